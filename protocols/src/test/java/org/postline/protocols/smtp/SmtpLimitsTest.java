package org.postline.protocols.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postline.protocols.smtp.SmtpRelayPolicyTest.b64;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.protocols.smtp.SmtpTestServer.Limits;

/** Every configurable limit, hit over a raw socket. */
class SmtpLimitsTest {

    @TempDir
    Path var;

    private SmtpTestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private SmtpClient transaction() throws Exception {
        SmtpClient client = server.connect();
        client.ehlo();
        assertThat(client.send("MAIL FROM:<a@remote.example>")).startsWith("250");
        assertThat(client.send("RCPT TO:<alice@example.org>")).startsWith("250");
        return client;
    }

    @Test
    void refusesADeclaredSizeOverTheLimit() throws Exception {
        server = SmtpTestServer.builder(var).limits(l -> Limits.maxMessageSize(l, 2000)).start();
        try (SmtpClient client = server.connect()) {
            assertThat(client.ehlo()).contains("SIZE 2000");
            assertThat(client.send("MAIL FROM:<a@remote.example> SIZE=2001"))
                    .isEqualTo("552 5.3.4 Message size exceeds fixed maximum message size (2000 bytes)");
            assertThat(client.send("MAIL FROM:<a@remote.example> SIZE=99999999999")).startsWith("552 5.3.4");
            assertThat(client.send("MAIL FROM:<a@remote.example> SIZE=big")).startsWith("501 5.5.4");
            assertThat(client.send("MAIL FROM:<a@remote.example> SIZE=2000")).startsWith("250");
        }
    }

    @Test
    void discardsAMessageThatGrowsOverTheLimitDuringData() throws Exception {
        server = SmtpTestServer.builder(var).limits(l -> Limits.maxMessageSize(l, 2000)).start();
        try (SmtpClient client = transaction()) {
            String line = "x".repeat(98) + "\r\n";
            assertThat(client.data("Subject: big\r\n\r\n" + line.repeat(25)))
                    .isEqualTo("552 5.3.4 Message size exceeds fixed maximum message size (2000 bytes)");
            assertThat(client.send("MAIL FROM:<a@remote.example>")).startsWith("250");
            assertThat(client.send("RCPT TO:<alice@example.org>")).startsWith("250");
            assertThat(client.data("Subject: small\r\n\r\n" + line.repeat(5))).startsWith("250 2.0.0");
        }
        assertThat(server.spool.only().text()).contains("Subject: small");
        assertThat(server.spool.aborted.get()).isEqualTo(1);
    }

    @Test
    void limitsRecipientsPerMessage() throws Exception {
        server = SmtpTestServer.builder(var).limits(l -> Limits.maxRecipients(l, 2)).start();
        try (SmtpClient client = transaction()) {
            assertThat(client.send("RCPT TO:<bob@example.org>")).startsWith("250");
            assertThat(client.send("RCPT TO:<postmaster@example.org>")).startsWith("452 4.5.3");
            assertThat(client.data("Subject: two\r\n\r\nx\r\n")).startsWith("250");
        }
        assertThat(server.spool.only().envelope().recipients()).containsExactly("alice@example.org", "bob@example.org");
    }

    @Test
    void refusesOverLongCommandLines() throws Exception {
        server = SmtpTestServer.builder(var).limits(l -> Limits.maxLineLength(l, 100)).start();
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            assertThat(client.send("NOOP " + "x".repeat(93))).startsWith("250");
            assertThat(client.send("NOOP " + "x".repeat(94)))
                    .isEqualTo("500 5.5.2 Line too long (limit 100 bytes including CRLF)");
            assertThat(client.send("NOOP")).startsWith("250");
        }
    }

    @Test
    void discardsAMessageWithAnOverLongLine() throws Exception {
        server = SmtpTestServer.builder(var).limits(l -> Limits.maxLineLength(l, 100)).start();
        try (SmtpClient client = transaction()) {
            assertThat(client.data("Subject: long\r\n\r\n" + "y".repeat(200) + "\r\nlast line\r\n"))
                    .isEqualTo("552 5.3.4 Line too long (limit 100 bytes including CRLF); message discarded");
            assertThat(client.send("NOOP")).startsWith("250");
        }
        assertThat(server.spool.committed).isEmpty();
        assertThat(server.spool.aborted.get()).isEqualTo(1);
    }

    @Test
    void limitsConnectionsPerAddress() throws Exception {
        server = SmtpTestServer.builder(var).limits(l -> Limits.maxConnectionsPerIp(l, 2)).start();
        try (SmtpClient first = server.connect(); SmtpClient second = server.connect()) {
            assertThat(first.greeting).startsWith("220");
            assertThat(second.greeting).startsWith("220");
            try (SmtpClient third = server.connect()) {
                assertThat(third.greeting).isEqualTo("421 4.7.0 mx.example.org Too many connections; try again later");
                assertThat(third.closedByServer()).isTrue();
            }
            assertThat(first.send("QUIT")).startsWith("221");
            assertThat(first.closedByServer()).isTrue();
        }
        try (SmtpClient again = connectOnceAllowed()) {
            assertThat(again.greeting).startsWith("220");
        }
    }

    @Test
    void limitsConnectionsInTotal() throws Exception {
        server = SmtpTestServer.builder(var).limits(l -> Limits.maxConnections(l, 1)).start();
        try (SmtpClient first = server.connect(); SmtpClient second = server.connect()) {
            assertThat(first.greeting).startsWith("220");
            assertThat(second.greeting).startsWith("421 4.7.0");
        }
    }

    @Test
    void closesIdleConnections() throws Exception {
        server = SmtpTestServer.builder(var).limits(l -> Limits.idleTimeout(l, Duration.ofMillis(300))).start();
        try (SmtpClient client = server.connect()) {
            assertThat(client.readReply()).isEqualTo("421 4.4.2 mx.example.org Idle timeout; closing connection");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void closesTheConnectionAfterTooManyBadCommands() throws Exception {
        server = SmtpTestServer.builder(var).limits(l -> Limits.maxBadCommands(l, 3)).start();
        try (SmtpClient client = server.connect()) {
            assertThat(client.send("FOO")).startsWith("500 5.5.1");
            assertThat(client.send("MAIL FROM:<a@remote.example>")).startsWith("503");
            assertThat(client.send("EHLO client.test")).startsWith("250");
            assertThat(client.send("MAIL TO:<a@remote.example>")).isEqualTo("421 4.7.0 Too many bad commands, closing connection");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void delaysFailedLoginsAndClosesAfterTooMany() throws Exception {
        server = SmtpTestServer.builder(var).limits(l -> Limits.maxAuthFailures(l, 2)).start();
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            assertThat(client.send("AUTH PLAIN " + b64("\0alice@example.org\0wrong")))
                    .isEqualTo("535 5.7.8 Authentication credentials invalid");
            // A command pipelined behind a failed login is answered after it, in order.
            client.write("AUTH PLAIN " + b64("\0nobody@example.org\0guess") + "\r\nNOOP\r\n");
            assertThat(client.readReply()).startsWith("535 5.7.8 Authentication credentials invalid; too many failures");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void aSuccessfulLoginAfterAFailureWorks() throws Exception {
        server = SmtpTestServer.builder(var).start();
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            assertThat(client.send("AUTH PLAIN " + b64("\0alice@example.org\0wrong"))).startsWith("535");
            client.write("AUTH PLAIN " + b64("\0alice@example.org\0alice-secret") + "\r\n");
            assertThat(client.readReply()).startsWith("235");
            assertThat(client.send("AUTH PLAIN " + b64("\0alice@example.org\0alice-secret"))).startsWith("503");
        }
    }

    /** Connects until the server greets with 220 (the limiter counts a closed connection down asynchronously). */
    private SmtpClient connectOnceAllowed() throws Exception {
        for (int attempt = 0; attempt < 100; attempt++) {
            SmtpClient client = server.connect();
            if (client.greeting.startsWith("220")) {
                return client;
            }
            client.close();
            Thread.sleep(20);
        }
        throw new AssertionError("the server kept refusing connections");
    }
}
