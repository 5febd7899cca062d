package org.postline.protocols.smtp;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.ListenerLimits;

/**
 * Many clients at once on one listener: a thousand connections held open and all served (no thread per
 * connection: a fixed pool of Netty I/O threads, which run the handlers too), and a slowloris client that trickles
 * bytes without ever finishing a command is cut off by the idle timeout while others go on.
 */
class SmtpConnectionLoadTest {

    private static final int CONNECTIONS = 1_000;

    @TempDir
    Path var;

    private SmtpTestServer server;
    private final List<SmtpClient> clients = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (SmtpClient client : clients) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static ListenerLimits limits(int connections, Duration idle) {
        ListenerLimits l = SmtpTestServer.testLimits();
        return new ListenerLimits(l.maxMessageSize(), l.maxLineLength(), l.maxRecipients(), connections, connections,
                idle, l.maxBadCommands(), l.authFailureDelay(), l.maxAuthFailures());
    }

    @Test
    void holdsAThousandConnectionsAndServesEveryOne() throws Exception {
        server = SmtpTestServer.builder(var).limits(l -> limits(CONNECTIONS + 10, Duration.ofMinutes(1))).start();
        for (int i = 0; i < CONNECTIONS; i++) {
            SmtpClient client = server.connect();
            clients.add(client);
            assertThat(client.greeting).as("greeting of connection %d", i).startsWith("220 ");
        }
        for (SmtpClient client : clients) {
            assertThat(client.ehlo()).contains("250");
        }
        for (int i = 0; i < CONNECTIONS; i += 10) {
            SmtpClient client = clients.get(i);
            assertThat(client.send("MAIL FROM:<load@remote.example>")).startsWith("250");
            assertThat(client.send("RCPT TO:<alice@example.org>")).startsWith("250");
            assertThat(client.data("Subject: load " + i + "\r\n\r\nx\r\n")).startsWith("250 2.0.0");
        }
        Thread.sleep(1_000); // held a moment, all still open
        for (SmtpClient client : clients) {
            assertThat(client.send("NOOP")).startsWith("250");
        }
        assertThat(server.spool.committed).hasSize(CONNECTIONS / 10);
    }

    @Test
    void aSlowlorisIsCutOffWhileOthersAreServed() throws Exception {
        server = SmtpTestServer.builder(var).limits(l -> limits(100, Duration.ofSeconds(1))).start();
        try (Socket slowloris = new Socket("127.0.0.1", server.address().getPort())) {
            OutputStream trickle = slowloris.getOutputStream();
            boolean cutOff = false;
            // A byte every 200 ms, never a whole line: resets no timer, so the 1 s idle timeout must fire.
            for (int i = 0; i < 100 && !cutOff; i++) {
                try {
                    trickle.write('x');
                    trickle.flush();
                } catch (SocketException closed) {
                    cutOff = true;
                }
                if (i == 2) {
                    try (SmtpClient other = server.connect()) {
                        other.ehlo();
                        other.send("MAIL FROM:<a@remote.example>");
                        other.send("RCPT TO:<alice@example.org>");
                        assertThat(other.data("Subject: meanwhile\r\n\r\nx\r\n")).startsWith("250 2.0.0");
                    }
                }
                Thread.sleep(200);
            }
            assertThat(cutOff).as("the slowloris connection was closed by the server").isTrue();
            String said = new String(slowloris.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(said).startsWith("220 ").contains("421");
        } catch (SocketException reset) {
            // Reading after the server closed on unread bytes may reset; the cut-off was already asserted.
        }
        assertThat(server.spool.committed).hasSize(1);
    }
}
