package org.postline.protocols.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.mailbox.MailboxStore;

/**
 * STORE over whole mailboxes (whose old flags the store takes from its metadata snapshot) answers with the flags
 * and modseqs a later FETCH reads, after changes by another session or another node (a second mailbox store on
 * the same database) in between, and after a STORE that changed nothing.
 */
class ImapStoreTest {

    private static final Pattern FETCH = Pattern.compile("^\\* (\\d+) FETCH \\((.*)\\)$");
    private static final Pattern FLAGS = Pattern.compile("FLAGS \\(([^)]*)\\)");
    private static final Pattern MODSEQ = Pattern.compile("MODSEQ \\((\\d+)\\)");

    @TempDir
    static Path directory;

    private static ImapFixture fixture;
    private ImapListener server;
    private ImapListener otherServer;
    private MailboxStore otherNode;

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
        if (otherServer != null) {
            otherServer.close();
        }
        if (otherNode != null) {
            otherNode.close();
        }
    }

    @Test
    void storeRepliesMatchWhatFetchReadsAfterOtherSessionsChanges() throws Exception {
        server = fixture.server().start();
        TestUsers.Account user = deliverTo("storer");
        try (ImapClient first = ImapClient.connect(server.boundAddress());
             ImapClient second = ImapClient.connect(server.boundAddress())) {
            selectBoth(user, first, second);

            Map<Integer, String> flagged = stored(first, "STORE 1:* +FLAGS (\\Flagged $Work)", 20);
            assertThat(flagged.values()).allMatch(line -> flagsOf(line).contains("\\Flagged")
                && flagsOf(line).contains("$Work"));
            assertThat(flagged).isEqualTo(fetched(first));

            changeFrom(second);
            assertThat(second.command("STORE 7 +FLAGS.SILENT (\\Deleted)")).last().asString().contains(" OK ");
            assertThat(second.command("EXPUNGE")).contains("* 7 EXPUNGE");

            Map<Integer, String> done = stored(first, "STORE 1:* +FLAGS ($Done)", 19);
            assertChangesSeen(done);
            assertThat(done).isEqualTo(fetched(first));

            // Changes nothing: the replies repeat the flags and modseqs FETCH read, which stay as they were.
            assertThat(first.command("NOOP")).contains("* 7 EXPUNGE");
            Map<Integer, String> before = fetched(first);
            assertThat(stored(first, "STORE 1:* +FLAGS ($Done)", 19)).isEqualTo(before);
            assertThat(fetched(first)).isEqualTo(before);
            assertThat(fetched(second)).isEqualTo(before);
        }
    }

    @Test
    void storeRepliesMatchWhatFetchReadsAfterAnotherNodesChanges() throws Exception {
        server = fixture.server().start();
        otherNode = fixture.otherNode();
        otherServer = fixture.server().node(otherNode).start();
        TestUsers.Account user = deliverTo("twonodes");
        try (ImapClient first = ImapClient.connect(server.boundAddress());
             ImapClient second = ImapClient.connect(otherServer.boundAddress())) {
            selectBoth(user, first, second);
            assertThat(stored(first, "STORE 1:* +FLAGS (\\Flagged $Work)", 20)).isEqualTo(fetched(second));

            // The first node's snapshot is now stale: its next STORE must not take old flags from it.
            changeFrom(second);
            Map<Integer, String> done = stored(first, "STORE 1:* +FLAGS ($Done)", 20);
            assertChangesSeen(done);
            assertThat(done).isEqualTo(fetched(second)).isEqualTo(fetched(first));
        }
    }

    private static TestUsers.Account deliverTo(String name) throws Exception {
        TestUsers.Account user = fixture.users.fresh(name);
        for (int i = 1; i <= 20; i++) {
            fixture.deliver(user.address(), ImapSessionTest.message("message " + i, "body " + i));
        }
        return user;
    }

    /** Both with CONDSTORE and INBOX selected; the first has read every message's flags (its node's snapshot). */
    private static void selectBoth(TestUsers.Account user, ImapClient first, ImapClient second) throws Exception {
        for (ImapClient client : List.of(first, second)) {
            client.login(user);
            assertThat(client.command("ENABLE CONDSTORE")).contains("* ENABLED CONDSTORE");
            assertThat(client.command("SELECT INBOX")).contains("* 20 EXISTS");
        }
        first.command("FETCH 1:* (FLAGS)");
    }

    private static void changeFrom(ImapClient client) throws Exception {
        assertThat(client.status("STORE 2:5 -FLAGS (\\Flagged)")).contains(" OK ");
        assertThat(client.status("STORE 3 +FLAGS ($Other \\Seen)")).contains(" OK ");
    }

    private static void assertChangesSeen(Map<Integer, String> replies) {
        assertThat(flagsOf(replies.get(2))).doesNotContain("\\Flagged").contains("$Work", "$Done");
        assertThat(flagsOf(replies.get(3))).contains("$Other", "\\Seen", "$Work", "$Done");
        assertThat(flagsOf(replies.get(1))).contains("\\Flagged", "$Work", "$Done");
    }

    /** The FETCH replies of a STORE, by sequence number: flags and modseq of each message it changed. */
    private static Map<Integer, String> stored(ImapClient client, String command, int expected) throws Exception {
        List<String> lines = client.command(command);
        assertThat(lines.get(lines.size() - 1)).contains(" OK ");
        Map<Integer, String> replies = replies(lines);
        assertThat(replies).hasSize(expected);
        return replies;
    }

    private static Map<Integer, String> fetched(ImapClient client) throws Exception {
        return replies(client.command("FETCH 1:* (FLAGS MODSEQ)"));
    }

    /** "FLAGS (...) MODSEQ (n)" of each FETCH line, the flags sorted so that order does not matter. */
    private static Map<Integer, String> replies(List<String> lines) {
        Map<Integer, String> replies = new TreeMap<>();
        for (String line : lines) {
            Matcher fetch = FETCH.matcher(line);
            if (fetch.matches()) {
                Matcher flags = FLAGS.matcher(fetch.group(2));
                Matcher modSeq = MODSEQ.matcher(fetch.group(2));
                assertThat(flags.find()).as(line).isTrue();
                assertThat(modSeq.find()).as(line).isTrue();
                // \Recent belongs to a session (James shows it in some replies only), not to the stored flags.
                List<String> sorted = List.of(flags.group(1).split(" ")).stream()
                    .filter(flag -> !flag.equals("\\Recent")).sorted().toList();
                replies.put(Integer.parseInt(fetch.group(1)), "FLAGS (" + String.join(" ", sorted) + ") MODSEQ ("
                    + modSeq.group(1) + ")");
            }
        }
        return replies;
    }

    private static String flagsOf(String reply) {
        return reply.substring(0, reply.indexOf(" MODSEQ"));
    }
}
