package org.postline.mailbox.jdbc;

import java.time.Clock;

import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMapperACLTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** James's mailbox ACL storage contract against Derby. */
class DerbyMailboxMapperACLTest extends MailboxMapperACLTest {

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
    protected MailboxMapper createMailboxMapper() {
        return new JdbcMapperProvider(database, Clock.systemUTC()).createMailboxMapper();
    }
}
