package org.postline.protocols.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.ListenerLimits;

/**
 * Five hundred IMAP sessions logged in and holding a selected INBOX on one listener, all answering; and a
 * slowloris that trickles bytes before login (or inside a literal) without ever finishing a command is
 * logged out by the idle timeout while a normal session goes on.
 */
class ImapSessionLoadTest {

    private static final int SESSIONS = 500;

    @TempDir
    static Path directory;

    private static ImapFixture fixture;
    private ImapListener server;
    private final List<ImapClient> clients = new ArrayList<>();

    @BeforeAll
    static void openStore() {
        fixture = new ImapFixture(directory);
    }

    @AfterAll
    static void closeStore() {
        fixture.close();
    }

    @AfterEach
    void stop() throws IOException {
        for (ImapClient client : clients) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static ListenerLimits limits(int connections, Duration idle) {
        ListenerLimits l = ImapFixture.testLimits();
        return new ListenerLimits(l.maxMessageSize(), l.maxLineLength(), l.maxRecipients(), connections, connections,
                idle, l.maxBadCommands(), l.authFailureDelay(), l.maxAuthFailures());
    }

    @Test
    void holdsFiveHundredSelectedSessions() throws Exception {
        server = fixture.server().limits(limits(SESSIONS + 10, Duration.ofMinutes(1))).start();
        List<TestUsers.Account> users = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            TestUsers.Account user = fixture.users.fresh("load" + i);
            fixture.deliver(user.address(), ("Subject: hello " + i + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII));
            users.add(user);
        }
        for (int i = 0; i < SESSIONS; i++) {
            ImapClient client = ImapClient.connect(server.boundAddress());
            clients.add(client);
            client.login(users.get(i % users.size()));
            assertThat(client.status("SELECT INBOX")).as("session %d", i).contains(" OK ");
        }
        Thread.sleep(1_000); // held a moment, all still open
        for (ImapClient client : clients) {
            List<String> fetched = client.command("FETCH 1 (BODY.PEEK[HEADER.FIELDS (SUBJECT)])");
            assertThat(fetched.get(fetched.size() - 1)).contains(" OK ");
        }
    }

    @Test
    void aSlowlorisBeforeLoginIsLoggedOutWhileOthersAreServed() throws Exception {
        server = fixture.server().limits(limits(100, Duration.ofSeconds(1))).start();
        TestUsers.Account user = fixture.users.fresh("patient");
        for (String trickled : List.of("a1 LOGIN someone-who-never-finishes", "a1 LOGIN {30+}\r\nsomeone-who-never-finish")) {
            try (Socket slowloris = new Socket("127.0.0.1", server.boundAddress().getPort())) {
                OutputStream trickle = slowloris.getOutputStream();
                boolean cutOff = false;
                // A byte every 200 ms, never a whole command: the 1 s idle timeout must still fire.
                for (int i = 0; i < 100 && !cutOff; i++) {
                    try {
                        trickle.write(trickled.charAt(i % trickled.length()));
                        trickle.flush();
                    } catch (SocketException closed) {
                        cutOff = true;
                    }
                    if (i == 2) {
                        try (ImapClient other = ImapClient.connect(server.boundAddress())) {
                            other.login(user);
                            assertThat(other.status("SELECT INBOX")).contains(" OK ");
                        }
                    }
                    Thread.sleep(200);
                }
                assertThat(cutOff).as("the slowloris (%s) was closed by the server", trickled).isTrue();
            }
        }
    }
}
