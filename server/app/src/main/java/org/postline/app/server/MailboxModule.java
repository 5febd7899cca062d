package org.postline.app.server;

import com.google.inject.AbstractModule;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.SubscriptionManager;
import org.postline.mailbox.MailboxStore;

/** Binds the users' mailboxes, so LocalDelivery and extension mailets can inject the MailboxManager. */
final class MailboxModule extends AbstractModule {

    private final MailboxStore mailboxes;

    MailboxModule(MailboxStore mailboxes) {
        this.mailboxes = mailboxes;
    }

    @Override
    protected void configure() {
        bind(MailboxStore.class).toInstance(mailboxes);
        bind(MailboxManager.class).toInstance(mailboxes.mailboxManager());
        bind(SubscriptionManager.class).toInstance(mailboxes.subscriptionManager());
    }
}
