package org.postline.protocols.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.ListenerConfig;
import org.postline.protocols.ListenerStartException;

/** Every configurable limit, hit over a raw socket, and what a stop does to open sessions. */
class Pop3LimitsTest {

    @TempDir
    static Path var;

    private Pop3TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void refusesOverLongLinesAndCountsThem() throws Exception {
        server = Pop3TestServer.builder(var).maxLineLength(100).maxBadCommands(3).start();
        try (Pop3Client client = server.connect()) {
            assertThat(client.send("USER " + "a".repeat(93))).startsWith("+OK");
            assertThat(client.send("USER " + "a".repeat(94)))
                    .isEqualTo("-ERR Line too long (limit 100 bytes including CRLF)");
            assertThat(client.send("NOOP")).isEqualTo("-ERR Command not valid in this state");
            assertThat(client.send("USER " + "b".repeat(500))).isEqualTo("-ERR Too many bad commands, closing connection");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void closesTheConnectionAfterTooManyBadCommands() throws Exception {
        server = Pop3TestServer.builder(var).maxBadCommands(3).start();
        try (Pop3Client client = server.connect()) {
            assertThat(client.send("HELO there")).isEqualTo("-ERR Unknown command");
            client.login("alice@example.org", "alice-secret");
            assertThat(client.send("RETR 1")).isEqualTo("-ERR No such message");
            assertThat(client.send("STAT")).startsWith("+OK");
            assertThat(client.send("XYZZY")).isEqualTo("-ERR Too many bad commands, closing connection");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void limitsConnectionsPerAddress() throws Exception {
        server = Pop3TestServer.builder(var).maxConnectionsPerIp(2).start();
        try (Pop3Client first = server.connect(); Pop3Client second = server.connect()) {
            assertThat(first.greeting).startsWith("+OK");
            assertThat(second.greeting).startsWith("+OK");
            try (Pop3Client third = server.connect()) {
                assertThat(third.greeting).isEqualTo("-ERR [SYS/TEMP] Too many connections; try again later");
                assertThat(third.closedByServer()).isTrue();
            }
            assertThat(first.send("QUIT")).startsWith("+OK");
            assertThat(first.closedByServer()).isTrue();
        }
        Pop3Client again = null;
        for (int attempt = 0; attempt < 50 && again == null; attempt++) {
            Pop3Client candidate = server.connect();
            if (candidate.greeting.startsWith("+OK")) {
                again = candidate;
            } else {
                candidate.close();
                Thread.sleep(20);
            }
        }
        assertThat(again).isNotNull();
        again.close();
    }

    @Test
    void closesAnIdleConnectionWithoutDeleting() throws Exception {
        server = Pop3TestServer.builder(var).idleTimeout(Duration.ofMillis(300)).start();
        server.append("alice@example.org", TestMessages.simple("kept", 1));
        try (Pop3Client client = server.connect()) {
            client.login("alice@example.org", "alice-secret");
            assertThat(client.send("DELE 1")).startsWith("+OK");
            assertThat(client.readLine()).isEqualTo("-ERR Idle timeout; closing connection");
            assertThat(client.closedByServer()).isTrue();
        }
        server.awaitUnlocked("alice@example.org");
        assertThat(server.messages("alice@example.org")).hasSize(1);
        try (Pop3Client client = server.connect()) {
            client.login("alice@example.org", "alice-secret");
        }
    }

    @Test
    void stoppingTheServerEndsSessionsWithoutDeletingAndReleasesTheirMaildrops() throws Exception {
        server = Pop3TestServer.builder(var).start();
        server.append("alice@example.org", TestMessages.simple("kept", 1));
        try (Pop3Client client = server.connect()) {
            client.login("alice@example.org", "alice-secret");
            assertThat(client.send("DELE 1")).startsWith("+OK");
            server.close();
            assertThat(client.readLine()).isEqualTo("-ERR [SYS/TEMP] Server shutting down; closing connection");
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(server.messages("alice@example.org")).hasSize(1);
        assertThat(server.context.maildropLocks().isLocked("alice@example.org")).isFalse();
        server = null;
    }

    @Test
    void refusesAListenerOfAnotherProtocolAndReportsAPortInUse() throws Exception {
        server = Pop3TestServer.builder(var).start();
        ListenerConfig smtp = new ListenerConfig("smtp", ListenerConfig.Protocol.SMTP, "127.0.0.1", 0,
                ListenerConfig.TlsMode.NONE, false, false, true, Optional.empty(), Pop3TestServer.testLimits());
        assertThatThrownBy(() -> new Pop3Listener(smtp, server.context)).isInstanceOf(IllegalArgumentException.class);

        ListenerConfig taken = new ListenerConfig("pop3-again", ListenerConfig.Protocol.POP3, "127.0.0.1",
                server.address().getPort(), ListenerConfig.TlsMode.NONE, false, false, true, Optional.empty(),
                Pop3TestServer.testLimits());
        try (Pop3Listener second = new Pop3Listener(taken, server.context)) {
            assertThatThrownBy(second::start).isInstanceOf(ListenerStartException.class)
                    .hasMessageContaining("already in use").hasMessageContaining("pop3-again");
        }
    }
}
