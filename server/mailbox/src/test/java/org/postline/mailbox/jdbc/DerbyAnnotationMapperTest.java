package org.postline.mailbox.jdbc;

import java.time.Clock;

import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.AnnotationMapper;
import org.apache.james.mailbox.store.mail.model.AnnotationMapperTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** James's AnnotationMapper contract against Derby. */
class DerbyAnnotationMapperTest extends AnnotationMapperTest {

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
    protected AnnotationMapper createAnnotationMapper() {
        provider = new JdbcMapperProvider(database, Clock.systemUTC());
        return provider.factory().annotationMapper();
    }

    @Override
    protected MailboxId generateMailboxId() {
        return provider.generateId();
    }
}
