package org.postline.protocols.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several sessions of a user who has no mailbox yet log in at once and each append, STATUS and LIST: the
 * default mailboxes are created once, the sessions racing to create them (and the INBOX they append to)
 * all get their tagged OK and none is closed.
 */
class ImapFirstLoginRaceTest {

    private static final int SESSIONS = 6;
    private static final int ROUNDS = 10;

    @TempDir
    static Path directory;

    private static ImapFixture fixture;
    private ImapListener server;
    private ExecutorService threads;

    @BeforeAll
    static void openStore() {
        fixture = new ImapFixture(directory);
    }

    @AfterAll
    static void closeStore() {
        fixture.close();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (threads != null) {
            threads.shutdownNow();
            threads.awaitTermination(20, TimeUnit.SECONDS);
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void concurrentFirstSessionsOfANewUserAllSucceed() throws Exception {
        server = fixture.server().start();
        threads = Executors.newFixedThreadPool(SESSIONS + 1);
        for (int round = 0; round < ROUNDS; round++) {
            TestUsers.Account user = fixture.users.fresh("race" + round);
            CountDownLatch gate = new CountDownLatch(1);
            List<Future<List<String>>> sessions = new ArrayList<>();
            for (int i = 0; i < SESSIONS; i++) {
                int session = i;
                sessions.add(threads.submit(() -> firstSession(user, session, gate)));
            }
            // A delivery creates the INBOX at the same moment, as LocalDelivery does for a user without one.
            Future<?> delivery = threads.submit(() -> {
                gate.await(30, TimeUnit.SECONDS);
                fixture.deliver(user.address(), "Subject: delivered\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
                return null;
            });
            gate.countDown();
            delivery.get(60, TimeUnit.SECONDS);
            for (Future<List<String>> session : sessions) {
                List<String> replies = session.get(60, TimeUnit.SECONDS);
                assertThat(replies).as("round %d, user %s", round, user.address())
                    .allSatisfy(reply -> assertThat(reply).contains(" OK "));
            }
            assertThat(fixture.messages(user.address(), "INBOX")).as("round %d", round).hasSize(SESSIONS + 1);
            try (ImapClient client = ImapClient.connect(server.boundAddress())) {
                client.login(user);
                List<String> listed = client.command("LIST \"\" \"*\"");
                for (String name : DefaultMailboxProvisioner.DEFAULT_MAILBOXES) {
                    assertThat(listed).as("round %d", round).filteredOn(line -> line.endsWith(" " + name)
                        || line.endsWith(" \"" + name + "\"")).hasSize(1);
                }
                assertThat(client.command("LSUB \"\" \"*\"")).hasSize(DefaultMailboxProvisioner.DEFAULT_MAILBOXES.size() + 1);
            }
        }
    }

    /** Logs in when the gate opens, then APPEND, STATUS, LIST, LOGOUT; returns the tagged reply of each. */
    private List<String> firstSession(TestUsers.Account user, int session, CountDownLatch gate) throws Exception {
        byte[] message = ("Subject: race " + session + "\r\n\r\nbody " + session + "\r\n").getBytes(StandardCharsets.US_ASCII);
        try (ImapClient client = ImapClient.connect(server.boundAddress())) {
            if (!gate.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("start gate never opened");
            }
            client.login(user);
            List<String> replies = new ArrayList<>();
            // Half the sessions start with STATUS, half with APPEND: both race the provisioning of the others.
            if (session % 2 == 1) {
                replies.add(client.status("STATUS INBOX (MESSAGES)"));
            }
            String append = client.nextTag();
            client.send(append + " APPEND INBOX {" + message.length + "+}\r\n");
            client.send(message);
            client.send("\r\n");
            replies.add(tagged(client.readUntilTagged(append)));
            replies.add(client.status("STATUS INBOX (MESSAGES)"));
            replies.add(client.status("LIST \"\" \"*\""));
            replies.add(client.status("LOGOUT"));
            return replies;
        } catch (IOException e) {
            throw new AssertionError("session " + session + " of " + user.address() + ": " + e.getMessage(), e);
        }
    }

    private static String tagged(List<String> lines) {
        return lines.get(lines.size() - 1);
    }
}
