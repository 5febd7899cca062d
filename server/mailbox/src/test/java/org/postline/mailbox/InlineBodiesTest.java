package org.postline.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

import javax.mail.Flags;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postline.mailbox.jdbc.TestDatabase;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * With bodies as files, small bodies live in their blob row, committed with the message; large ones and every
 * body an older store wrote stay files. Both kinds share one reference count per distinct body.
 */
class InlineBodiesTest {

    private static final long LIMIT = 1000;
    private static final String SMALL = "A small body.\r\n".repeat(10);
    private static final String LARGE = "A body above the inline limit.\r\n".repeat(100);

    private static TestDatabase database;
    private StoreFixture fixture;
    private MailboxSession session;

    @BeforeAll
    static void openDatabase() throws Exception {
        database = TestDatabase.create();
    }

    @AfterAll
    static void closeDatabase() throws Exception {
        database.close();
    }

    @BeforeEach
    void openStore() throws Exception {
        fixture = new StoreFixture(database, StoreSettings.DEFAULTS.withInlineBodyBytes(LIMIT));
        session = fixture.session("alice@example.org");
    }

    @AfterEach
    void closeStore() {
        fixture.close();
    }

    @Test
    void aSmallBodyIsKeptInTheDatabaseAndALargeOneAsAFile() throws Exception {
        append("one", SMALL);
        assertThat(fixture.inlineBodies()).isEqualTo(1);
        assertThat(fixture.bodyFiles()).isZero();

        append("two", LARGE);
        assertThat(fixture.inlineBodies()).isEqualTo(1);
        assertThat(fixture.bodyFiles()).isEqualTo(1);

        fixture.reopen();
        session = fixture.session("alice@example.org");
        assertThat(bodies()).containsExactly(SMALL, LARGE);
        assertThat(fullMessages().get(0)).isEqualTo("Subject: one\r\n\r\n" + SMALL);
    }

    @Test
    void bodiesWrittenAsFilesByAnOlderStoreStayReadableSharedAndCollected() throws Exception {
        reopenWithInlineBodyBytes(0);
        append("old small", SMALL);
        append("old large", LARGE);
        assertThat(fixture.bodyFiles()).isEqualTo(2);
        assertThat(fixture.inlineBodies()).isZero();

        reopenWithInlineBodyBytes(LIMIT);
        assertThat(bodies()).containsExactly(SMALL, LARGE);
        append("new small, same body", SMALL);
        String other = "Another small body.\r\n";
        append("new small", other);

        // The existing file serves the new reference: no second copy inline.
        assertThat(fixture.bodyFiles()).isEqualTo(2);
        assertThat(fixture.inlineBodies()).isEqualTo(1);
        assertThat(fixture.blobRows()).isEqualTo(3);
        assertThat(fixture.totalReferences()).isEqualTo(4);
        assertThat(bodies()).containsExactly(SMALL, LARGE, SMALL, other);

        expunge(MessageRange.all());
        assertThat(fixture.blobRows()).isZero();
        assertThat(fixture.storedBodies()).isZero();
    }

    @Test
    void anInlineBodyIsSharedAfterTheLimitIsLoweredAndRemovedWithItsLastReference() throws Exception {
        append("first", SMALL);
        reopenWithInlineBodyBytes(0);
        append("second", SMALL);

        assertThat(fixture.inlineBodies()).isEqualTo(1);
        assertThat(fixture.bodyFiles()).isZero();
        assertThat(fixture.totalReferences()).isEqualTo(2);

        expunge(MessageRange.one(firstUid()));
        assertThat(fixture.inlineBodies()).isEqualTo(1);
        assertThat(bodies()).containsExactly(SMALL);

        expunge(MessageRange.all());
        assertThat(fixture.blobRows()).isZero();
    }

    @Test
    void anAppendThatFailsAfterStoringItsBodyLeavesNothingBehind() throws Exception {
        append("first", SMALL);
        long mailboxId;
        long lastUid;
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement query = connection.prepareStatement("SELECT id, last_uid FROM mbx_mailbox");
             ResultSet result = query.executeQuery()) {
            result.next();
            mailboxId = result.getLong(1);
            lastUid = result.getLong(2);
            connection.commit();
        }
        // A row squatting the next uid makes the message insert fail after its body was written in the transaction.
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement insert = connection.prepareStatement("INSERT INTO mbx_message SELECT mailbox_id, ?,"
                 + " message_id, thread_id, modseq, internal_date, save_date, full_size, body_start, text_lines, answered,"
                 + " deleted, draft, flagged, recent, seen, header_bytes, body_hash, properties, subject_key, body_id"
                 + " FROM mbx_message"
                 + " WHERE mailbox_id = ? AND uid = ?")) {
            insert.setLong(1, lastUid + 1);
            insert.setLong(2, mailboxId);
            insert.setLong(3, lastUid);
            insert.executeUpdate();
            connection.commit();
        }
        String other = "A body nobody got.\r\n";

        assertThatThrownBy(() -> append("lost", other)).isInstanceOf(MailboxException.class);

        assertThat(fixture.blobRows()).isEqualTo(1);
        assertThat(fixture.inlineBodies()).isEqualTo(1);
        assertThat(fixture.bodyFiles()).isZero();
    }

    @Test
    void aFullReadOfABatchMixingInlineAndFileBodiesGivesEachMessageItsExactBytes() throws Exception {
        reopenWithInlineBodyBytes(0);
        append("old file", "An older store's small body.\r\n");
        reopenWithInlineBodyBytes(LIMIT);
        String binaryish = "Bytes \u00e9t\u00e9 kept as they are:\r\n\tno trailing newline";
        append("small", SMALL);
        append("large", LARGE);
        append("small again", SMALL);
        append("odd", binaryish);
        append("empty", "");
        assertThat(fixture.bodyFiles()).isEqualTo(2);

        List<String> expected = List.of("Subject: old file\r\n\r\nAn older store's small body.\r\n",
            "Subject: small\r\n\r\n" + SMALL, "Subject: large\r\n\r\n" + LARGE,
            "Subject: small again\r\n\r\n" + SMALL, "Subject: odd\r\n\r\n" + binaryish, "Subject: empty\r\n\r\n");
        assertThat(fullMessages()).containsExactlyElementsOf(expected);
        // A second read of the same result gives the same bytes again (IMAP may read a part and then the whole).
        Iterator<MessageResult> results = fixture.inbox(session).getMessages(MessageRange.all(), FetchGroup.FULL_CONTENT, session);
        MessageResult second = null;
        for (int i = 0; i < 2; i++) {
            second = results.next();
        }
        assertThat(second.getBody().getInputStream().readAllBytes()).isEqualTo(SMALL.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(new String(second.getFullContent().getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
            .isEqualTo(expected.get(1));
    }

    @Test
    void aMessageExpungedAfterABatchReadIsServedFromThatReadOrReportedGoneIfItsFileWent() throws Exception {
        append("small", SMALL);
        append("large", LARGE);
        append("kept", SMALL);
        List<MessageResult> read = new ArrayList<>();
        fixture.inbox(session).getMessages(MessageRange.all(), FetchGroup.FULL_CONTENT, session)
            .forEachRemaining(read::add);

        expunge(MessageRange.one(read.get(0).getUid()));
        expunge(MessageRange.one(read.get(1).getUid()));

        // The inline body came with the batch, as the header did; the file-held one is read when asked.
        assertThat(new String(read.get(0).getFullContent().getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1))
            .isEqualTo("Subject: small\r\n\r\n" + SMALL);
        assertThatThrownBy(() -> read.get(1).getFullContent().getInputStream().readAllBytes())
            .isInstanceOf(java.io.IOException.class);
        assertThat(fullMessages()).containsExactly("Subject: kept\r\n\r\n" + SMALL);
    }

    // A new session too: James caches the mappers in the session.
    private void reopenWithInlineBodyBytes(long bytes) {
        fixture.reopenWithInlineBodyBytes(bytes);
        session = fixture.session("alice@example.org");
    }

    private void append(String subject, String body) throws Exception {
        fixture.inbox(session).appendMessage(MessageManager.AppendCommand.builder()
            .build(("Subject: " + subject + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1)), session);
    }

    private org.apache.james.mailbox.MessageUid firstUid() throws Exception {
        return fixture.inbox(session).getMessages(MessageRange.all(), FetchGroup.MINIMAL, session).next().getUid();
    }

    private List<String> bodies() throws Exception {
        List<String> bodies = new ArrayList<>();
        Iterator<MessageResult> results = fixture.inbox(session).getMessages(MessageRange.all(), FetchGroup.FULL_CONTENT, session);
        while (results.hasNext()) {
            bodies.add(new String(results.next().getBody().getInputStream().readAllBytes(), StandardCharsets.US_ASCII));
        }
        return bodies;
    }

    private List<String> fullMessages() throws Exception {
        List<String> messages = new ArrayList<>();
        Iterator<MessageResult> results = fixture.inbox(session).getMessages(MessageRange.all(), FetchGroup.FULL_CONTENT, session);
        while (results.hasNext()) {
            messages.add(new String(results.next().getFullContent().getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1));
        }
        return messages;
    }

    private void expunge(MessageRange range) throws Exception {
        MessageManager inbox = fixture.inbox(session);
        inbox.setFlags(new Flags(Flags.Flag.DELETED), MessageManager.FlagsUpdateMode.ADD, range, session);
        inbox.expunge(range, session);
    }
}
