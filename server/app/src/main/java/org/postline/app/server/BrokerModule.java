package org.postline.app.server;

import com.google.inject.AbstractModule;
import org.postline.api.queue.MailQueues;
import org.postline.api.queue.Spool;
import org.postline.broker.BrokerQueues;
import org.postline.container.spool.QueueConsumers;

/** Replaces the store's spool and queues by the broker's, and lets the container consume them from it. */
final class BrokerModule extends AbstractModule {

    private final BrokerQueues queues;

    BrokerModule(BrokerQueues queues) {
        this.queues = queues;
    }

    @Override
    protected void configure() {
        bind(Spool.class).toInstance(queues.spool());
        bind(MailQueues.class).toInstance(queues);
        bind(QueueConsumers.class).toInstance(queues);
    }
}
