package org.postline.container.spool;

import java.time.Duration;
import org.postline.api.queue.Spool;

/**
 * Makes the {@link QueueConsumer} of a queue. The default claims from the {@link Spool} ({@link SpoolRoutes});
 * a message broker binds its own, which takes the mail the broker pushes. The container uses the one the
 * application's injector binds, if any.
 */
@FunctionalInterface
public interface QueueConsumers {

    /** Claiming consumers for a queue stored in the database. */
    QueueConsumers CLAIMING = SpoolRoutes::new;

    /** @param name unique within the Camel context ("spool", "remote-outgoing") */
    QueueConsumer consume(String name, Spool queue, QueueWorker worker, int workers, Duration pollInterval);
}
