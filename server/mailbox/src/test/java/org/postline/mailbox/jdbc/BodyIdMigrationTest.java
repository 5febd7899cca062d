package org.postline.mailbox.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MessageUid;
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
import org.junit.jupiter.api.Test;
import org.postline.api.config.BodyStorage;

/**
 * Messages written before bodies had ids (schema V7) are linked to their body's id by the V8 migration, read
 * by it in batch reads, and keep sharing and releasing bodies by hash afterwards.
 */
class BodyIdMigrationTest {

    /** An empty database of the vendor under test; overridden for PostgreSQL. */
    TestDatabase emptyDatabase() throws IOException {
        return TestDatabase.createEmpty();
    }

    /** The vendor's last schema version before body ids (V7 was Derby's only). */
    String versionBeforeBodyIds() {
        return "7";
    }

    @Test
    void messagesWrittenBeforeBodyIdsAreReadSharedAndReleasedAfterTheMigration() throws Exception {
        try (TestDatabase old = emptyDatabase()) {
            Flyway.configure(MailboxSchema.class.getClassLoader()).dataSource(old.dataSource())
                .locations("classpath:db/mailbox/" + MailboxSchema.vendor(old.dataSource()))
                .table(MailboxSchema.HISTORY_TABLE).target(versionBeforeBodyIds()).load().migrate();
            OldSchemaRows written = new OldSchemaRows(old);
            long inboxId = written.mailbox("INBOX");
            byte[] shared = message("shared", 5_000);
            byte[] other = message("other", 3_000);
            // Over the inline limit: with bodies as files, this one is a file and its row holds no content.
            byte[] large = message("large", 300_000);
            written.add(inboxId, shared, false);
            written.add(inboxId, shared, false);
            written.add(inboxId, large, old.bodies() == BodyStorage.FILES);
            written.add(inboxId, other, false);

            MailboxSchema.migrate(old.dataSource());

            assertThat(query(old, "SELECT COUNT(*) FROM mbx_message m JOIN mbx_blob b"
                + " ON b.id = m.body_id AND b.hash = m.body_hash")).as("every message linked to its own body").isEqualTo(4);
            assertThat(query(old, "SELECT COUNT(DISTINCT id) FROM mbx_blob")).isEqualTo(3);
            JdbcMailboxSessionMapperFactory factory = new JdbcMailboxSessionMapperFactory(old.dataSource(),
                old.blobDirectory(), old.bodies(), new PostlineMessageId.Factory(), Clock.systemUTC());
            Mailbox inbox = factory.mailboxMapper()
                .findMailboxByPath(MailboxPath.forUser(Username.of("alice@example.org"), "INBOX")).block();
            MessageMapper mapper = factory.messageMapper();
            assertThat(fullContents(mapper, inbox)).containsExactly(shared, shared, large, other);

            byte[] fresh = message("fresh", 4_000);
            add(mapper, inbox, shared);
            add(mapper, inbox, fresh);

            assertThat(fullContents(mapper, inbox)).containsExactly(shared, shared, large, other, shared, fresh);
            assertThat(refcountsBySize(old)).as("the old body is shared by the new message, the new one has a row")
                .containsExactly(1L, 3L, 1L, 1L);
            assertThat(query(old, "SELECT COUNT(DISTINCT id) FROM mbx_blob")).isEqualTo(4);
            assertThat(query(old, "SELECT COUNT(*) FROM mbx_message m JOIN mbx_blob b"
                + " ON b.id = m.body_id AND b.hash = m.body_hash")).isEqualTo(6);

            List<MessageUid> uids = new ArrayList<>();
            mapper.findInMailbox(inbox, MessageRange.all(), FetchType.METADATA, -1)
                .forEachRemaining(message -> uids.add(message.getUid()));
            mapper.deleteMessages(inbox, uids.subList(0, 2));
            assertThat(refcountsBySize(old)).containsExactly(1L, 1L, 1L, 1L);
            mapper.deleteMessages(inbox, uids.subList(2, uids.size()));
            assertThat(query(old, "SELECT COUNT(*) FROM mbx_blob")).as("every body released").isZero();
            assertThat(bodyFiles(old)).isZero();
        }
    }

    private static byte[] message(String subject, int bodyBytes) {
        return ("Subject: " + subject + "\r\n\r\n" + subject.charAt(0) + "x".repeat(bodyBytes - 3) + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    }

    private static void add(MessageMapper mapper, Mailbox inbox, byte[] content) throws Exception {
        MessageId id = new PostlineMessageId.Factory().generate();
        int bodyStart = new String(content, StandardCharsets.US_ASCII).indexOf("\r\n\r\n") + 4;
        mapper.add(inbox, new SimpleMailboxMessage(id, ThreadId.fromBaseMessageId(id), new Date(), content.length,
            bodyStart, new ByteContent(content), new Flags(), new PropertyBuilder().build(), inbox.getMailboxId()));
    }

    private static List<byte[]> fullContents(MessageMapper mapper, Mailbox inbox) throws Exception {
        List<byte[]> contents = new ArrayList<>();
        mapper.findInMailbox(inbox, MessageRange.all(), FetchType.FULL, -1).forEachRemaining(message -> {
            try (InputStream in = message.getFullContent()) {
                contents.add(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return contents;
    }

    /** Reference counts, largest body first. */
    private static List<Long> refcountsBySize(TestDatabase db) throws Exception {
        Map<Long, Long> counts = new LinkedHashMap<>();
        try (Connection connection = db.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT byte_size, refcount FROM mbx_blob ORDER BY byte_size DESC")) {
            while (result.next()) {
                counts.put(result.getLong(1), result.getLong(2));
            }
            connection.commit();
        }
        // Sizes: large, shared, fresh, other.
        return List.copyOf(counts.values());
    }

    private static long query(TestDatabase db, String sql) throws Exception {
        try (Connection connection = db.dataSource().getConnection(); Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(sql)) {
            result.next();
            long value = result.getLong(1);
            connection.commit();
            return value;
        }
    }

    private static long bodyFiles(TestDatabase db) throws IOException {
        if (!Files.exists(db.blobDirectory())) {
            return 0;
        }
        try (Stream<java.nio.file.Path> files = Files.walk(db.blobDirectory())) {
            return files.filter(Files::isRegularFile).count();
        }
    }
}
