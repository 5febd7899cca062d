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
        assertThat(appliedVersions()).startsWith("0", "1", "2").contains("4", "5", "6", "7", "8").doesNotHaveDuplicates();
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

    @Test
    void bodiesWrittenBeforeTheRebuildOfTheirTableAreReadAndSharedAfterIt() throws Exception {
        try (TestDatabase old = TestDatabase.createEmpty()) {
            Flyway.configure(MailboxSchema.class.getClassLoader()).dataSource(old.dataSource())
                .locations("classpath:db/mailbox/derby").table(MailboxSchema.HISTORY_TABLE).target("6").load().migrate();
            assertThat(pageSize(old, "MBX_BLOB")).isEqualTo(4096);
            // Written as the code of that version did: today's code writes columns added since.
            OldSchemaRows written = new OldSchemaRows(old);
            long inboxId = written.mailbox("INBOX");
            // A body of a few KB spans overflow pages in the old 4 KiB pages; one over 32 KiB does in either.
            byte[] small = message("small", 5_000);
            byte[] large = message("large", 40_000);
            written.add(inboxId, small, false);
            written.add(inboxId, large, false);

            MailboxSchema.migrate(old.dataSource());

            assertThat(pageSize(old, "MBX_BLOB")).isEqualTo(32768);
            JdbcMailboxSessionMapperFactory factory = new JdbcMailboxSessionMapperFactory(old.dataSource(),
                old.blobDirectory(), new PostlineMessageId.Factory(), Clock.systemUTC());
            Mailbox inbox = factory.mailboxMapper()
                .findMailboxByPath(MailboxPath.forUser(Username.of("alice@example.org"), "INBOX")).block();
            MessageMapper mapper = factory.messageMapper();
            add(mapper, inbox, small);
            List<byte[]> contents = new ArrayList<>();
            mapper.findInMailbox(inbox, MessageRange.all(), FetchType.FULL, -1)
                .forEachRemaining(message -> contents.add(fullContent(message)));
            assertThat(contents).containsExactly(small, large, small);
            try (Connection connection = old.dataSource().getConnection(); Statement statement = connection.createStatement();
                 ResultSet rows = statement.executeQuery("SELECT refcount FROM mbx_blob ORDER BY byte_size")) {
                List<Long> refcounts = new ArrayList<>();
                while (rows.next()) {
                    refcounts.add(rows.getLong(1));
                }
                connection.commit();
                assertThat(refcounts).as("the same body is still shared after the rebuild").containsExactly(2L, 1L);
            }
        }
    }

    private static byte[] message(String subject, int bodyBytes) {
        return ("Subject: " + subject + "\r\n\r\n" + "x".repeat(bodyBytes - 2) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static void add(MessageMapper mapper, Mailbox inbox, byte[] content) throws Exception {
        MessageId id = new PostlineMessageId.Factory().generate();
        int bodyStart = new String(content, StandardCharsets.US_ASCII).indexOf("\r\n\r\n") + 4;
        mapper.add(inbox, new SimpleMailboxMessage(id, ThreadId.fromBaseMessageId(id), new Date(), content.length, bodyStart,
            new ByteContent(content), new Flags(), new PropertyBuilder().build(), inbox.getMailboxId()));
    }

    private static byte[] fullContent(org.apache.james.mailbox.store.mail.model.MailboxMessage message) {
        try (java.io.InputStream in = message.getFullContent()) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The page size of a table's own container (not its indexes), from Derby's space diagnostics. */
    private static int pageSize(TestDatabase db, String table) throws Exception {
        try (Connection connection = db.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT pagesize FROM TABLE (SYSCS_DIAG.SPACE_TABLE('APP', '"
                 + table + "')) s WHERE isindex = 0")) {
            assertThat(result.next()).isTrue();
            int size = result.getInt(1);
            connection.commit();
            return size;
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
