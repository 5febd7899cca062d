package org.postline.mailbox.jdbc;

import java.time.Instant;

import org.apache.james.mailbox.store.mail.model.MapperProvider;
import org.apache.james.mailbox.store.mail.model.MessageIdMapperTest;
import org.apache.james.utils.UpdatableTickingClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** James's MessageIdMapper contract against Derby. */
class DerbyMessageIdMapperTest extends MessageIdMapperTest {

    static TestDatabase database;
    private final UpdatableTickingClock clock = new UpdatableTickingClock(Instant.parse("2024-01-01T00:00:00Z"));

    @BeforeAll
    static void openDatabase() throws Exception { // a PostgreSQL twin replaces it
        database = TestDatabase.create();
    }

    @AfterAll
    static void closeDatabase() throws Exception {
        database.close();
    }

    @Override
    protected MapperProvider provideMapper() {
        return new JdbcMapperProvider(database, clock);
    }

    @Override
    protected UpdatableTickingClock updatableTickingClock() {
        return clock;
    }
}
