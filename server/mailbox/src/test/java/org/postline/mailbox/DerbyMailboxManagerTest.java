package org.postline.mailbox;

import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxManagerTest;
import org.apache.james.mailbox.SubscriptionManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.postline.mailbox.jdbc.TestDatabase;

/** James's MailboxManager contract against the manager MailboxStore wires over Derby. */
class DerbyMailboxManagerTest extends MailboxManagerTest<MailboxManager> {

    static TestDatabase database;
    private StoreFixture fixture;

    @BeforeAll
    static void openDatabase() throws Exception { // a PostgreSQL twin replaces it
        database = TestDatabase.create();
    }

    @AfterAll
    static void closeDatabase() throws Exception {
        database.close();
    }

    @AfterEach
    void closeStore() {
        fixture.close();
    }

    @Override
    protected MailboxManager provideMailboxManager() {
        try {
            // The contract expects the limits James's own test wiring uses: 3 annotations of at most 30 bytes.
            fixture = new StoreFixture(database, new StoreSettings(preDeletionHooks(), 3, 30));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return fixture.store.mailboxManager();
    }

    @Override
    protected SubscriptionManager provideSubscriptionManager() {
        return fixture.store.subscriptionManager();
    }

    @Override
    protected EventBus retrieveEventBus(MailboxManager mailboxManager) {
        return fixture.store.eventBus();
    }
}
