package org.postline.protocols.imap;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.mail.iap.Response;
import com.sun.mail.imap.IMAPFolder;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import javax.mail.Flags;
import javax.mail.Folder;
import javax.mail.Session;
import javax.mail.Store;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A mailbox opened with EXAMINE stays as it is ({@link ReadOnlySelection}, RFC 3501 6.3.2): STORE, EXPUNGE,
 * UID EXPUNGE and MOVE are refused with {@code NO [READ-ONLY]}, CLOSE deselects without expunging, COPY out of it
 * works, and SELECT of the same mailbox makes it writeable again. What changed is read from another session or
 * from the store.
 */
class ImapReadOnlySelectionTest {

    private static final int MESSAGES = 3;

    @TempDir
    static Path directory;

    private static ImapFixture fixture;
    private ImapListener server;
    private TestUsers.Account user;

    @BeforeAll
    static void openStore() {
        fixture = new ImapFixture(directory);
    }

    @AfterAll
    static void closeStore() {
        fixture.close();
    }

    @BeforeEach
    void start() throws Exception {
        server = fixture.server().start();
        user = fixture.users.fresh("examiner");
        for (int i = 1; i <= MESSAGES; i++) {
            fixture.deliver(user.address(), ImapSessionTest.message("message " + i, "body " + i));
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private ImapClient login() throws Exception {
        ImapClient client = ImapClient.connect(server.boundAddress());
        client.login(user);
        return client;
    }

    @Test
    void examineSaysReadOnlyAndRefusesStore() throws Exception {
        try (ImapClient examining = login(); ImapClient selecting = login()) {
            assertThat(examining.status("EXAMINE INBOX")).contains(" OK [READ-ONLY]");
            assertThat(examining.status("STORE 1 +FLAGS (\\Flagged)")).contains(" NO [READ-ONLY]");
            assertThat(examining.status("UID STORE 1:* +FLAGS.SILENT (\\Deleted \\Seen)")).contains(" NO [READ-ONLY]");
            assertThat(examining.status("STORE 1:* FLAGS (\\Answered)")).contains(" NO [READ-ONLY]");
            assertThat(examining.command("FETCH 1:* FLAGS")).last().asString().contains(" OK ");
            assertThat(examining.command("FETCH 1:* FLAGS")).filteredOn(ImapReadOnlySelectionTest::isFetchResponse)
                .hasSize(MESSAGES).noneMatch(ImapReadOnlySelectionTest::hasSystemFlag);
            assertThat(selecting.status("SELECT INBOX")).contains(" OK [READ-WRITE]");
            assertThat(selecting.command("FETCH 1:* FLAGS")).filteredOn(ImapReadOnlySelectionTest::isFetchResponse)
                .hasSize(MESSAGES).noneMatch(ImapReadOnlySelectionTest::hasSystemFlag);
        }
    }

    @Test
    void examineRefusesExpungeAndKeepsDeletedMessages() throws Exception {
        try (ImapClient examining = login(); ImapClient selecting = login()) {
            assertThat(selecting.status("SELECT INBOX")).contains(" OK ");
            assertThat(selecting.status("STORE 1:2 +FLAGS.SILENT (\\Deleted)")).contains(" OK ");
            assertThat(examining.status("EXAMINE INBOX")).contains(" OK [READ-ONLY]");
            assertThat(examining.status("EXPUNGE")).contains(" NO [READ-ONLY]");
            assertThat(examining.status("UID EXPUNGE 1:*")).contains(" NO [READ-ONLY]");
            assertThat(examining.command("NOOP")).noneMatch(line -> line.contains("EXPUNGE"));
            assertThat(fixture.messages(user.address(), "INBOX")).hasSize(MESSAGES);
            assertThat(selecting.command("NOOP")).noneMatch(line -> line.contains("EXPUNGE"));
        }
    }

    @Test
    void examineRefusesMoveButNotCopy() throws Exception {
        try (ImapClient examining = login()) {
            assertThat(examining.status("CREATE Archive")).contains(" OK ");
            assertThat(examining.status("EXAMINE INBOX")).contains(" OK [READ-ONLY]");
            assertThat(examining.status("MOVE 1 Archive")).contains(" NO [READ-ONLY]");
            assertThat(examining.status("UID MOVE 1:* Archive")).contains(" NO [READ-ONLY]");
            // REPLACE (RFC 8508) would append to Archive and expunge message 1 of INBOX.
            byte[] replacement = ImapSessionTest.message("replacement", "new body");
            String tag = examining.nextTag();
            examining.send(tag + " REPLACE 1 Archive {" + replacement.length + "+}\r\n");
            examining.send(replacement);
            examining.send("\r\n");
            assertThat(examining.readUntilTagged(tag)).last().asString().contains(" NO [READ-ONLY]");
            assertThat(fixture.messages(user.address(), "INBOX")).hasSize(MESSAGES);
            assertThat(fixture.messages(user.address(), "Archive")).isEmpty();
            assertThat(examining.status("COPY 1:2 Archive")).contains(" OK ");
            assertThat(examining.status("UID COPY 3 Archive")).contains(" OK ");
            assertThat(fixture.messages(user.address(), "INBOX")).hasSize(MESSAGES);
            assertThat(fixture.messages(user.address(), "Archive")).hasSize(MESSAGES);
        }
    }

    @Test
    void closeAfterExamineDeselectsWithoutExpunging() throws Exception {
        try (ImapClient examining = login(); ImapClient selecting = login()) {
            assertThat(selecting.status("SELECT INBOX")).contains(" OK ");
            assertThat(selecting.status("STORE 2 +FLAGS.SILENT (\\Deleted)")).contains(" OK ");
            assertThat(examining.status("EXAMINE INBOX")).contains(" OK [READ-ONLY]");
            assertThat(examining.status("CLOSE")).contains(" OK ");
            assertThat(fixture.messages(user.address(), "INBOX")).hasSize(MESSAGES);
            assertThat(selecting.command("NOOP")).noneMatch(line -> line.contains("EXPUNGE"));
            // Deselected: nothing to fetch from until the next SELECT, which makes the mailbox writeable again.
            assertThat(examining.status("FETCH 1 FLAGS")).doesNotContain(" OK ");
            assertThat(examining.status("SELECT INBOX")).contains(" OK [READ-WRITE]");
            assertThat(examining.status("STORE 1 +FLAGS.SILENT (\\Deleted)")).contains(" OK ");
            assertThat(examining.status("CLOSE")).contains(" OK ");
            assertThat(fixture.messages(user.address(), "INBOX")).hasSize(MESSAGES - 2);
        }
    }

    @Test
    void selectAfterExamineMakesTheMailboxWriteableAgain() throws Exception {
        try (ImapClient client = login()) {
            assertThat(client.status("EXAMINE INBOX")).contains(" OK [READ-ONLY]");
            assertThat(client.status("STORE 1 +FLAGS (\\Deleted)")).contains(" NO [READ-ONLY]");
            assertThat(client.status("SELECT INBOX")).contains(" OK [READ-WRITE]");
            assertThat(client.status("STORE 1 +FLAGS (\\Deleted)")).contains(" OK ");
            assertThat(client.command("EXPUNGE")).contains("* 1 EXPUNGE").last().asString().contains(" OK ");
            assertThat(fixture.messages(user.address(), "INBOX")).hasSize(MESSAGES - 1);
            assertThat(client.status("EXAMINE INBOX")).contains(" OK [READ-ONLY]");
            assertThat(client.status("STORE 1 +FLAGS (\\Deleted)")).contains(" NO [READ-ONLY]");
        }
    }

    @Test
    void failedSelectionsNeverLeaveAnExaminedMailboxWriteable() throws Exception {
        try (ImapClient client = login()) {
            // A failed SELECT after EXAMINE: whatever James keeps selected stays read-only...
            assertThat(client.status("EXAMINE INBOX")).contains(" OK [READ-ONLY]");
            assertThat(client.status("SELECT Missing")).contains(" NO ");
            assertThat(client.status("STORE 1 +FLAGS (\\Deleted)")).doesNotContain(" OK ");
            assertThat(client.status("EXPUNGE")).doesNotContain(" OK ");
            // ...and a later SELECT makes it writeable.
            assertThat(client.status("SELECT INBOX")).contains(" OK [READ-WRITE]");
            assertThat(client.status("STORE 3 +FLAGS.SILENT (\\Flagged)")).contains(" OK ");
            // A failed EXAMINE after SELECT leaves nothing the client can change either.
            assertThat(client.status("EXAMINE Missing")).contains(" NO ");
            assertThat(client.status("STORE 1 +FLAGS (\\Deleted)")).doesNotContain(" OK ");
            assertThat(client.status("SELECT INBOX")).contains(" OK [READ-WRITE]");
            assertThat(client.command("FETCH 1:* FLAGS")).filteredOn(ImapReadOnlySelectionTest::isFetchResponse)
                .filteredOn(line -> line.contains("\\Deleted")).isEmpty();
            assertThat(client.status("STORE 1 +FLAGS (\\Deleted)")).contains(" OK ");
            assertThat(client.status("CLOSE")).contains(" OK ");
            assertThat(fixture.messages(user.address(), "INBOX")).hasSize(MESSAGES - 1);
        }
    }

    @Test
    void javaMailClosingAReadOnlyFolderExpungesNothing() throws Exception {
        try (ImapClient selecting = login()) {
            assertThat(selecting.status("SELECT INBOX")).contains(" OK ");
            assertThat(selecting.status("STORE 1 +FLAGS.SILENT (\\Deleted)")).contains(" OK ");
        }
        Properties properties = new Properties();
        properties.setProperty("mail.imap.connectiontimeout", "10000");
        properties.setProperty("mail.imap.timeout", "10000");
        Store store = Session.getInstance(properties).getStore("imap");
        store.connect("127.0.0.1", server.boundAddress().getPort(), user.address(), user.password());
        try {
            Folder inbox = store.getFolder("INBOX");
            // READ_ONLY is EXAMINE; closing it sends CLOSE, which must not expunge.
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isEqualTo(MESSAGES);
            Response[] replies = (Response[]) ((IMAPFolder) inbox)
                .doCommand(protocol -> protocol.command("STORE 2 +FLAGS (\\Flagged)", null));
            Response tagged = replies[replies.length - 1];
            assertThat(tagged.isNO()).as(tagged.toString()).isTrue();
            assertThat(tagged.toString()).contains("[READ-ONLY]");
            inbox.close(true);
            assertThat(fixture.messages(user.address(), "INBOX")).hasSize(MESSAGES);
            inbox.open(Folder.READ_WRITE);
            assertThat(inbox.getMessage(1).isSet(Flags.Flag.DELETED)).isTrue();
            assertThat(inbox.getMessage(2).isSet(Flags.Flag.FLAGGED)).isFalse();
            inbox.close(true);
            assertThat(fixture.messages(user.address(), "INBOX")).hasSize(MESSAGES - 1);
        } finally {
            store.close();
        }
    }

    private static boolean isFetchResponse(String line) {
        return line.startsWith("* ") && line.contains(" FETCH (");
    }

    /** A FETCH response line telling a flag other than \Recent. */
    private static boolean hasSystemFlag(String line) {
        return List.of("\\Seen", "\\Deleted", "\\Flagged", "\\Answered", "\\Draft").stream().anyMatch(line::contains);
    }
}
