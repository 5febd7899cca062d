package org.postline.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import javax.mail.Flags;

import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postline.mailbox.jdbc.TestDatabase;

/** One body delivered to many mailboxes is stored once and removed with its last reference. */
class BodyDeduplicationTest {

    private static final int RECIPIENTS = 100;
    private static final String BODY = "The same body for everyone.\r\n".repeat(200);

    static TestDatabase database;
    private StoreFixture fixture;

    @BeforeAll
    static void openDatabase() throws Exception { // a PostgreSQL twin replaces it
        database = TestDatabase.create();
    }

    @AfterAll
    static void closeDatabase() throws Exception {
        database.close();
    }

    @BeforeEach
    void openStore() throws Exception {
        fixture = new StoreFixture(database);
    }

    @AfterEach
    void closeStore() {
        fixture.close();
    }

    @Test
    void oneBodyForAHundredRecipientsIsStoredOnceAndRemovedAfterTheLastDelete() throws Exception {
        List<MailboxSession> sessions = new ArrayList<>();
        for (int i = 0; i < RECIPIENTS; i++) {
            MailboxSession session = fixture.session("user" + i + "@example.org");
            sessions.add(session);
            // Per-recipient headers differ, as LocalDelivery's Delivered-To does; the body is shared.
            String message = "Delivered-To: user" + i + "@example.org\r\nSubject: hello\r\n\r\n" + BODY;
            fixture.inbox(session).appendMessage(MessageManager.AppendCommand.builder()
                .build(message.getBytes(StandardCharsets.US_ASCII)), session);
        }
        assertThat(fixture.storedBodies()).isEqualTo(1);
        assertThat(fixture.blobRows()).isEqualTo(1);
        assertThat(fixture.totalReferences()).isEqualTo(RECIPIENTS);

        MailboxSession last = sessions.remove(RECIPIENTS - 1);
        for (int i = 0; i < sessions.size(); i++) {
            MailboxSession session = sessions.get(i);
            if (i % 2 == 0) {
                expungeAll(session);
            } else {
                fixture.store.mailboxManager().deleteMailbox(MailboxPath.inbox(session), session);
            }
        }
        assertThat(fixture.storedBodies()).isEqualTo(1);
        assertThat(fixture.totalReferences()).isEqualTo(1);
        String stillThere = new String(fixture.inbox(last).getMessages(MessageRange.all(), FetchGroup.FULL_CONTENT, last)
            .next().getBody().getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertThat(stillThere).isEqualTo(BODY);

        expungeAll(last);
        assertThat(fixture.storedBodies()).isZero();
        assertThat(fixture.blobRows()).isZero();
    }

    /**
     * A store that has not met the body lately (a restart, or another node delivered it) inserts first on Derby
     * and meets the row: it must count one more reference on it, not store the body twice or fail.
     */
    @Test
    void aBodyStoredBeforeARestartIsSharedAfterIt() throws Exception {
        MailboxSession alice = fixture.session("alice@example.org");
        fixture.inbox(alice).appendMessage(MessageManager.AppendCommand.builder()
            .build(("Subject: one\r\n\r\n" + BODY).getBytes(StandardCharsets.US_ASCII)), alice);
        fixture.reopen();
        MailboxSession bob = fixture.session("bob@example.org");
        fixture.inbox(bob).appendMessage(MessageManager.AppendCommand.builder()
            .build(("Subject: two\r\n\r\n" + BODY).getBytes(StandardCharsets.US_ASCII)), bob);
        fixture.inbox(bob).appendMessage(MessageManager.AppendCommand.builder()
            .build(("Subject: three\r\n\r\n" + BODY).getBytes(StandardCharsets.US_ASCII)), bob);

        assertThat(fixture.storedBodies()).isEqualTo(1);
        assertThat(fixture.blobRows()).isEqualTo(1);
        assertThat(fixture.totalReferences()).isEqualTo(3);
        fixture.store.mailboxManager().deleteMailbox(MailboxPath.inbox(alice), alice);
        fixture.store.mailboxManager().deleteMailbox(MailboxPath.inbox(bob), bob);
        assertThat(fixture.storedBodies()).isZero();
        assertThat(fixture.blobRows()).isZero();
    }

    @Test
    void copiesShareTheBodyOfTheOriginal() throws Exception {
        MailboxSession session = fixture.session("alice@example.org");
        MessageManager inbox = fixture.inbox(session);
        inbox.appendMessage(MessageManager.AppendCommand.builder().build("Subject: x\r\n\r\n" + BODY), session);
        MailboxPath archive = MailboxPath.forUser(session.getUser(), "Archive");
        fixture.store.mailboxManager().createMailbox(archive, session);

        fixture.store.mailboxManager().copyMessages(MessageRange.all(), MailboxPath.inbox(session), archive, session);

        assertThat(fixture.storedBodies()).isEqualTo(1);
        assertThat(fixture.totalReferences()).isEqualTo(2);
        expungeAll(session);
        assertThat(fixture.storedBodies()).isEqualTo(1);
        fixture.store.mailboxManager().deleteMailbox(archive, session);
        assertThat(fixture.storedBodies()).isZero();
    }

    private void expungeAll(MailboxSession session) throws Exception {
        MessageManager inbox = fixture.inbox(session);
        inbox.setFlags(new Flags(Flags.Flag.DELETED), MessageManager.FlagsUpdateMode.ADD, MessageRange.all(), session);
        inbox.expunge(MessageRange.all(), session);
    }
}
