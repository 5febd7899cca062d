package org.postline.protocols.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Raw-socket sessions: capabilities, default mailboxes, IDLE, and sessions seeing each other's changes. */
class ImapSessionTest {

    @TempDir
    static Path directory;

    private static ImapFixture fixture;
    private ImapListener server;

    @BeforeAll
    static void openStore() {
        fixture = new ImapFixture(directory);
    }

    @AfterAll
    static void closeStore() {
        fixture.close();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private ImapClient connect() throws Exception {
        return ImapClient.connect(server.boundAddress());
    }

    static byte[] message(String subject, String body) {
        return ("From: sender@example.net\r\nTo: someone@example.org\r\nSubject: " + subject
            + "\r\nMessage-ID: <" + subject.replace(' ', '-') + "@example.net>\r\n\r\n" + body + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void advertisesTheExtensionsClientsRelyOn() throws Exception {
        server = fixture.server().start();
        try (ImapClient client = connect()) {
            assertThat(client.greeting).startsWith("* OK").contains(ImapFixture.HOST);
            List<String> lines = client.command("CAPABILITY");
            String capabilities = lines.get(0);
            assertThat(capabilities).startsWith("* CAPABILITY").contains(" IMAP4REV1", " LITERAL+", " IDLE",
                " UIDPLUS", " MOVE", " NAMESPACE", " ID", " ENABLE", " CONDSTORE", " QRESYNC", " SPECIAL-USE",
                " UNSELECT", " CHILDREN", " ESEARCH", " AUTH=PLAIN", " APPENDLIMIT=1048576");
            assertThat(lines.get(1)).contains(" OK ");
        }
    }

    @Test
    void aSessionWaitingOnTheStoreDoesNotStallOtherSessions() throws Exception {
        SlowMailboxes slowStore = new SlowMailboxes();
        server = fixture.server().slowStore(slowStore).start();
        TestUsers.Account slow = fixture.users.fresh("slow");
        List<ImapClient> others = new ArrayList<>();
        CountDownLatch stuck = null;
        try (ImapClient waiting = connect()) {
            waiting.login(slow);
            assertThat(waiting.status("SELECT INBOX")).contains(" OK ");
            stuck = slowStore.slowDown();
            waiting.send("w1 STATUS INBOX (MESSAGES)\r\n");
            // More sessions than I/O threads: some share the waiting session's I/O thread.
            for (int i = 0; i < 2 * Math.max(2, Runtime.getRuntime().availableProcessors()) + 1; i++) {
                ImapClient other = connect();
                others.add(other);
                assertThat(other.status("NOOP")).contains(" OK ");
            }
            stuck.countDown();
            assertThat(waiting.readUntilTagged("w1")).last().asString().startsWith("w1 OK");
        } finally {
            if (stuck != null) {
                stuck.countDown();
            }
            for (ImapClient other : others) {
                other.close();
            }
        }
    }

    @Test
    void newUsersGetTheDefaultMailboxesWithTheirSpecialUse() throws Exception {
        server = fixture.server().start();
        TestUsers.Account user = fixture.users.fresh("new");
        try (ImapClient client = connect()) {
            client.login(user);
            List<String> list = client.command("LIST \"\" \"*\" RETURN (SPECIAL-USE)");
            assertThat(list).anyMatch(line -> line.startsWith("* LIST (") && line.endsWith("\"INBOX\""))
                .anyMatch(line -> line.contains("\\Sent") && line.endsWith("\"Sent\""))
                .anyMatch(line -> line.contains("\\Drafts") && line.endsWith("\"Drafts\""))
                .anyMatch(line -> line.contains("\\Trash") && line.endsWith("\"Trash\""))
                .anyMatch(line -> line.contains("\\Junk") && line.endsWith("\"Junk\""));
            assertThat(list.stream().filter(line -> line.startsWith("* LIST"))).hasSize(5);
            assertThat(client.command("LSUB \"\" \"*\"").stream().filter(line -> line.startsWith("* LSUB"))).hasSize(5);
        }
    }

    @Test
    void usersWhoAlreadyReceivedMailStillGetTheDefaultMailboxes() throws Exception {
        server = fixture.server().start();
        TestUsers.Account user = fixture.users.fresh("early");
        fixture.deliver(user.address(), message("before first login", "hello"));
        try (ImapClient client = connect()) {
            client.login(user);
            List<String> list = client.command("LIST \"\" \"*\"");
            assertThat(list.stream().filter(line -> line.startsWith("* LIST"))).hasSize(5);
            assertThat(client.command("SELECT INBOX")).anyMatch(line -> line.equals("* 1 EXISTS"));
        }
    }

    @Test
    void idleHearsOfMailDeliveredMeanwhile() throws Exception {
        server = fixture.server().start();
        TestUsers.Account user = fixture.users.fresh("idle");
        try (ImapClient idler = connect(); ImapClient other = connect()) {
            idler.login(user);
            assertThat(idler.status("SELECT INBOX")).contains(" OK ");
            String tag = idler.nextTag();
            idler.send(tag + " IDLE\r\n");
            assertThat(idler.readLine()).startsWith("+");

            fixture.deliver(user.address(), message("delivered", "by LocalDelivery"));
            assertThat(idler.readUntil("* 1 EXISTS")).last().isEqualTo("* 1 EXISTS");

            other.login(user);
            byte[] appended = message("appended", "by another session");
            String append = other.nextTag();
            other.send(append + " APPEND INBOX {" + appended.length + "+}\r\n");
            other.send(appended);
            other.send("\r\n");
            assertThat(other.readUntilTagged(append)).last().asString().contains(" OK ");
            assertThat(idler.readUntil("* 2 EXISTS")).last().isEqualTo("* 2 EXISTS");

            idler.send("DONE\r\n");
            assertThat(idler.readUntilTagged(tag)).last().asString().contains(" OK ");
        }
    }

    @Test
    void idleHearsOfFlagChangesAndExpungesByAnotherSession() throws Exception {
        server = fixture.server().start();
        TestUsers.Account user = fixture.users.fresh("idleflags");
        fixture.deliver(user.address(), message("one", "first"));
        fixture.deliver(user.address(), message("two", "second"));
        try (ImapClient idler = connect(); ImapClient other = connect()) {
            idler.login(user);
            other.login(user);
            assertThat(idler.command("SELECT INBOX")).contains("* 2 EXISTS");
            assertThat(other.status("SELECT INBOX")).contains(" OK ");
            String tag = idler.nextTag();
            idler.send(tag + " IDLE\r\n");
            assertThat(idler.readLine()).startsWith("+");

            assertThat(other.status("STORE 1 +FLAGS (\\Seen)")).contains(" OK ");
            // A lost update would time out here (the read is bounded) rather than hang.
            assertThat(idler.readUntil("* 1 FETCH")).last().asString().startsWith("* 1 FETCH (").contains("\\Seen");

            assertThat(other.status("STORE 2 +FLAGS (\\Flagged)")).contains(" OK ");
            assertThat(idler.readUntil("* 2 FETCH")).last().asString().contains("\\Flagged");

            assertThat(other.status("STORE 1 +FLAGS.SILENT (\\Deleted)")).contains(" OK ");
            assertThat(other.command("EXPUNGE")).contains("* 1 EXPUNGE");
            assertThat(idler.readUntil("* 1 EXPUNGE")).last().isEqualTo("* 1 EXPUNGE");

            idler.send("DONE\r\n");
            assertThat(idler.readUntilTagged(tag)).last().asString().contains(" OK ");
            assertThat(idler.command("FETCH 1 (FLAGS BODY.PEEK[HEADER.FIELDS (SUBJECT)])"))
                .anyMatch(line -> line.startsWith("* 1 FETCH (") && line.contains("\\Flagged"))
                .anyMatch(line -> line.equals("Subject: two"));
        }
    }

    @Test
    void sessionsOnOneMailboxSeeEachOthersFlagsAndExpunges() throws Exception {
        server = fixture.server().start();
        TestUsers.Account user = fixture.users.fresh("shared");
        fixture.deliver(user.address(), message("one", "first"));
        fixture.deliver(user.address(), message("two", "second"));
        try (ImapClient first = connect(); ImapClient second = connect()) {
            first.login(user);
            second.login(user);
            assertThat(first.command("SELECT INBOX")).contains("* 2 EXISTS");
            assertThat(second.command("SELECT INBOX")).contains("* 2 EXISTS");

            assertThat(second.status("STORE 1 +FLAGS (\\Flagged)")).contains(" OK ");
            assertThat(first.command("NOOP")).anyMatch(line -> line.startsWith("* 1 FETCH (") && line.contains("\\Flagged"));

            assertThat(second.status("STORE 1 +FLAGS.SILENT (\\Deleted)")).contains(" OK ");
            assertThat(second.command("EXPUNGE")).contains("* 1 EXPUNGE");
            assertThat(first.command("NOOP")).contains("* 1 EXPUNGE");
            assertThat(first.command("FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])"))
                .anyMatch(line -> line.equals("Subject: two"));
        }
    }

    private static String append(ImapClient client, String arguments, byte[] message) throws Exception {
        String tag = client.nextTag();
        client.send(tag + " APPEND INBOX " + arguments + "{" + message.length + "+}\r\n");
        client.send(message);
        client.send("\r\n");
        List<String> reply = client.readUntilTagged(tag);
        return reply.get(reply.size() - 1);
    }

    @Test
    void appendWithFlagsAndDateThenStatusExamineFetchSearchAndExpunge() throws Exception {
        server = fixture.server().start();
        TestUsers.Account user = fixture.users.fresh("commands");
        try (ImapClient client = connect()) {
            client.login(user);
            assertThat(append(client, "(\\Seen $Work) \"01-Jan-2024 10:00:00 +0000\" ", message("first one", "alpha")))
                .contains(" OK [APPENDUID ");
            assertThat(append(client, "", message("second one", "beta"))).contains(" OK ");
            assertThat(client.command("STATUS INBOX (MESSAGES UNSEEN UIDNEXT)"))
                .contains("* STATUS \"INBOX\" (MESSAGES 2 UIDNEXT 3 UNSEEN 1)");

            assertThat(client.status("EXAMINE INBOX")).contains(" OK [READ-ONLY]");
            assertThat(client.command("FETCH 1 (FLAGS INTERNALDATE)")).anyMatch(line -> line.startsWith("* 1 FETCH")
                && line.contains("\\Seen") && line.contains("$Work") && line.contains("-Jan-2024 "));
            assertThat(client.command("FETCH 2 (BODY.PEEK[]<0.10>)")).anyMatch(line -> line.contains("BODY[]<0> {10}"));

            assertThat(client.status("SELECT INBOX")).contains(" OK [READ-WRITE]");
            client.command("FETCH 2 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
            assertThat(client.command("FETCH 2 (FLAGS)")).noneMatch(line -> line.contains("\\Seen"));
            client.command("FETCH 2 (BODY[TEXT])");
            assertThat(client.command("FETCH 2 (FLAGS)")).anyMatch(line -> line.contains("\\Seen"));

            assertThat(client.command("UID SEARCH SUBJECT second")).contains("* SEARCH 2");
            assertThat(client.command("SEARCH 1:* UNKEYWORD $Work")).contains("* SEARCH 2");
            assertThat(client.command("SEARCH RETURN (COUNT MIN) ALL")).anyMatch(line -> line.startsWith("* ESEARCH")
                && line.contains("COUNT 2") && line.contains("MIN 1"));

            assertThat(client.status("UID STORE 2 +FLAGS.SILENT (\\Deleted)")).contains(" OK ");
            assertThat(client.command("UID EXPUNGE 2")).contains("* 2 EXPUNGE");
            assertThat(client.status("UNSELECT")).contains(" OK ");
            assertThat(client.status("SELECT INBOX")).contains(" OK ");
            assertThat(client.status("STORE 1 +FLAGS.SILENT (\\Deleted)")).contains(" OK ");
            assertThat(client.status("CLOSE")).contains(" OK ");
            assertThat(client.command("SELECT INBOX")).contains("* 0 EXISTS");

            assertThat(client.command("ENABLE CONDSTORE")).contains("* ENABLED CONDSTORE");
            assertThat(client.command("NAMESPACE")).anyMatch(line -> line.startsWith("* NAMESPACE"));
            assertThat(client.command("ID (\"name\" \"test\")")).anyMatch(line -> line.startsWith("* ID"));
            assertThat(client.status("LOGOUT")).contains(" OK ");
        }
    }

    @Test
    void listPatternsAreMatchedWithoutBacktracking() throws Exception {
        server = fixture.server().start();
        TestUsers.Account user = fixture.users.fresh("redos");
        try (ImapClient client = connect()) {
            client.login(user);
            // CVE-2021-40110: a backtracking matcher takes exponential time on this pattern.
            String pattern = "%".repeat(60) + "x";
            assertThat(client.status("LIST \"\" \"" + pattern + "\"")).contains(" OK ");
        }
    }
}
