package org.postline.mailbox.jdbc;

import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.MailboxMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMapperTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Clock;

/** James's MailboxMapper contract against Derby. */
class DerbyMailboxMapperTest extends MailboxMapperTest {

    static TestDatabase database;
    private JdbcMapperProvider provider;

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
        provider = new JdbcMapperProvider(database, Clock.systemUTC());
        return provider.createMailboxMapper();
    }

    @Override
    protected MailboxId generateId() {
        return provider.generateId();
    }
}
