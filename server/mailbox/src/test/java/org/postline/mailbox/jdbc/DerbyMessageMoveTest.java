package org.postline.mailbox.jdbc;

import java.time.Clock;

import org.apache.james.mailbox.store.mail.model.MapperProvider;
import org.apache.james.mailbox.store.mail.model.MessageMoveTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** James's message MOVE contract against Derby. */
class DerbyMessageMoveTest extends MessageMoveTest {

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
    protected MapperProvider createMapperProvider() {
        return new JdbcMapperProvider(database, Clock.systemUTC());
    }
}
