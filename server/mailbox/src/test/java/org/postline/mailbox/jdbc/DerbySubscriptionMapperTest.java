package org.postline.mailbox.jdbc;

import java.time.Clock;

import org.apache.james.mailbox.store.user.SubscriptionMapper;
import org.apache.james.mailbox.store.user.SubscriptionMapperTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** James's SubscriptionMapper contract against Derby. */
class DerbySubscriptionMapperTest extends SubscriptionMapperTest {

    static TestDatabase database;

    @BeforeAll
    static void openDatabase() throws Exception { // a PostgreSQL twin replaces it
        database = TestDatabase.create();
    }

    @AfterAll
    static void closeDatabase() throws Exception {
        database.close();
    }

    @Override
    protected SubscriptionMapper createSubscriptionMapper() {
        return new JdbcMapperProvider(database, Clock.systemUTC()).factory().subscriptionMapper();
    }
}
