package org.postline.mailbox.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.model.ByteContent;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.MessageMapper.FetchType;
import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;
import org.apache.james.mailbox.store.mail.model.impl.SimpleMailboxMessage;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The mailbox migrations share a database with other modules' tables and keep their own history. */
class MailboxSchemaTest {

    private static TestDatabase database;

    @BeforeAll
    static void openDatabase() throws Exception {
        database = TestDatabase.createEmpty();
    }

    @AfterAll
    static void closeDatabase() throws Exception {
        database.close();
    }

    @Test
    void migratingAgainBesideAnotherModulesTablesIsANoOp() throws Exception {
        try (Connection connection = database.dataSource().getConnection(); Statement statement = connection.createStatement()) {
            statement.executeUpdate("CREATE TABLE other_module (id INT)");
            connection.commit();
        }

        MailboxSchema.migrate(database.dataSource());
        MailboxSchema.migrate(database.dataSource());

        // Version 0 is the baseline taken because the schema already held another module's table.
        assertThat(appliedVersions()).startsWith("0", "1", "2").contains("4", "5", "6").doesNotHaveDuplicates();
        database.reset();
    }

    @Test
    void derbyIsRecognisedAsTheVendor() {
        assertThat(MailboxSchema.vendor(database.dataSource())).isEqualTo("derby");
    }

    @Test
    void mailboxesWrittenBeforeTheChangeCountAreReadAndWrittenAfterIt() throws Exception {
        try (TestDatabase old = TestDatabase.createEmpty()) {
            Flyway.configure(MailboxSchema.class.getClassLoader()).dataSource(old.dataSource())
                .locations("classpath:db/mailbox/derby").table(MailboxSchema.HISTORY_TABLE).target("5").load().migrate();
            try (Connection connection = old.dataSource().getConnection(); Statement statement = connection.createStatement()) {
                statement.executeUpdate("INSERT INTO mbx_mailbox (namespace_name, owner_name, mailbox_name, uid_validity,"
                    + " last_uid, highest_modseq) VALUES ('#private', 'alice@example.org', 'INBOX', 7, 41, 52)");
                connection.commit();
            }
            MailboxSchema.migrate(old.dataSource());

            JdbcMailboxSessionMapperFactory factory = new JdbcMailboxSessionMapperFactory(old.dataSource(),
                old.blobDirectory(), new PostlineMessageId.Factory(), Clock.systemUTC());
            Mailbox inbox = factory.mailboxMapper()
                .findMailboxByPath(MailboxPath.forUser(Username.of("alice@example.org"), "INBOX")).block();
            MessageMapper mapper = factory.messageMapper();
            assertThat(mapper.findInMailbox(inbox, MessageRange.all(), FetchType.METADATA, -1)).isExhausted();
            byte[] content = "Subject: upgraded\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII);
            MessageId id = new PostlineMessageId.Factory().generate();
            mapper.add(inbox, new SimpleMailboxMessage(id, ThreadId.fromBaseMessageId(id), new Date(), content.length, 21,
                new ByteContent(content), new Flags(), new PropertyBuilder().build(), inbox.getMailboxId()));

            List<MessageUid> uids = new ArrayList<>();
            mapper.findInMailbox(inbox, MessageRange.all(), FetchType.METADATA, -1)
                .forEachRemaining(message -> uids.add(message.getUid()));
            assertThat(uids).containsExactly(MessageUid.of(42));
            assertThat(mapper.getHighestModSeq(inbox)).isEqualTo(ModSeq.of(53));
        }
    }

    private static List<String> appliedVersions() throws Exception {
        List<String> versions = new ArrayList<>();
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT \"version\" FROM \""
                 + MailboxSchema.HISTORY_TABLE + "\" WHERE \"success\" = TRUE ORDER BY \"installed_rank\"");
             ResultSet result = statement.executeQuery()) {
            while (result.next()) {
                versions.add(result.getString(1));
            }
            connection.commit();
        }
        return versions;
    }
}
