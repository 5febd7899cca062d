package org.postline.protocols.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.postline.protocols.smtp.SmtpRelayPolicyTest.b64;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.Certificate;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.ListenerConfig.TlsMode;
import org.postline.api.config.TlsConfig;
import org.postline.protocols.ListenerStartException;

/** STARTTLS, implicit TLS, the self-signed certificate, and STARTTLS command injection. */
class SmtpTlsTest {

    /** Shared so that the self-signed certificate is generated once for the whole class. */
    @TempDir
    static Path var;

    private SmtpTestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void startTlsThenAuthThenRelay() throws Exception {
        server = SmtpTestServer.builder(var).tlsMode(TlsMode.STARTTLS).loopbackNotSecure().start();
        try (SmtpClient client = server.connect()) {
            String plainEhlo = client.ehlo();
            assertThat(plainEhlo).contains("STARTTLS").doesNotContain("AUTH");
            assertThat(client.send("AUTH PLAIN " + b64("\0alice@example.org\0alice-secret"))).startsWith("538 5.7.11");
            assertThat(client.startTls()).startsWith("220 2.0.0");
            assertThat(client.tlsSocket().getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
            assertThat(client.send("MAIL FROM:<alice@example.org>")).startsWith("503");
            String tlsEhlo = client.ehlo();
            assertThat(tlsEhlo).contains("AUTH LOGIN PLAIN").doesNotContain("STARTTLS");
            assertThat(client.send("STARTTLS")).startsWith("500");
            assertThat(client.send("AUTH PLAIN " + b64("\0alice@example.org\0alice-secret"))).startsWith("235");
            assertThat(client.send("MAIL FROM:<alice@example.org>")).startsWith("250");
            assertThat(client.send("RCPT TO:<friend@remote.example>")).startsWith("250");
            assertThat(client.data("Subject: over tls\r\n\r\nhi\r\n")).startsWith("250 2.0.0");
        }
        FakeSpool.Stored stored = server.spool.only();
        assertThat(stored.text()).contains("\t(using TLSv1.").contains(" with ESMTPSA id ");
        assertThat(stored.envelope().session().tls()).isTrue();
        assertThat(stored.envelope().session().authUser()).contains("alice@example.org");
    }

    @Test
    void aRefusedStartTlsLeavesTheSessionUsable() throws Exception {
        server = SmtpTestServer.builder(var).tlsMode(TlsMode.NONE).loopbackNotSecure().start();
        try (SmtpClient client = server.connect()) {
            assertThat(client.ehlo()).doesNotContain("STARTTLS");
            assertThat(client.send("STARTTLS")).doesNotStartWith("220");
            // Not mistaken for commands injected behind a handshake: the session goes on.
            assertThat(client.send("NOOP")).startsWith("250");
            assertThat(client.send("MAIL FROM:<carol@remote.example>")).startsWith("250");
            assertThat(client.send("RCPT TO:<bob@example.org>")).startsWith("250");
        }
    }

    @Test
    void commandsPipelinedAfterStartTlsAreNeverExecuted() throws Exception {
        server = SmtpTestServer.builder(var).tlsMode(TlsMode.STARTTLS).start();
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            client.write("STARTTLS\r\nMAIL FROM:<attacker@remote.example>\r\nRCPT TO:<alice@example.org>\r\n");
            assertThat(client.readReply()).startsWith("451 4.3.0");
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(server.spool.begun.get()).isZero();
    }

    @Test
    void injectionIsStillCaughtAfterAMessage() throws Exception {
        server = SmtpTestServer.builder(var).tlsMode(TlsMode.STARTTLS).start();
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            client.send("MAIL FROM:<a@remote.example>");
            client.send("RCPT TO:<alice@example.org>");
            assertThat(client.data("Subject: first\r\n\r\nx\r\n")).startsWith("250");
            client.write("STARTTLS\r\nRSET\r\n");
            assertThat(client.readReply()).startsWith("451 4.3.0");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void plainTextAfterStartTlsIsNotExecuted() throws Exception {
        server = SmtpTestServer.builder(var).tlsMode(TlsMode.STARTTLS).start();
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            assertThat(client.send("STARTTLS")).startsWith("220");
            client.write("MAIL FROM:<a@remote.example>\r\nRCPT TO:<alice@example.org>\r\nDATA\r\nx\r\n.\r\n");
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(server.spool.begun.get()).isZero();
    }

    @Test
    void implicitTlsFromTheFirstByte() throws Exception {
        server = SmtpTestServer.builder(var).tlsMode(TlsMode.IMPLICIT).authRequired().loopbackNotSecure().start();
        try (SmtpClient client = SmtpClient.connectTls(server.address())) {
            assertThat(client.greeting).startsWith("220 mx.example.org");
            assertThat(client.ehlo()).contains("AUTH LOGIN PLAIN").doesNotContain("STARTTLS");
            assertThat(client.send("MAIL FROM:<bob@example.org>")).startsWith("530 5.7.0");
            assertThat(client.send("AUTH PLAIN " + b64("\0bob@example.org\0bob-secret"))).startsWith("235");
            assertThat(client.send("MAIL FROM:<bob@example.org>")).startsWith("250");
            assertThat(client.send("RCPT TO:<alice@example.org>")).startsWith("250");
            assertThat(client.data("Subject: implicit\r\n\r\nhi\r\n")).startsWith("250 2.0.0");
        }
        assertThat(server.spool.only().envelope().session().tls()).isTrue();
    }

    @Test
    void generatesTheSelfSignedCertificateOnceAndReusesIt() throws Exception {
        Certificate first;
        server = SmtpTestServer.builder(var).tlsMode(TlsMode.IMPLICIT).start();
        try (SmtpClient client = SmtpClient.connectTls(server.address())) {
            first = client.tlsSocket().getSession().getPeerCertificates()[0];
        }
        server.close();
        Path store = var.resolve("tls/self-signed.p12");
        assertThat(store).exists();
        assertThat(Files.getPosixFilePermissions(store)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        long modified = Files.getLastModifiedTime(store).toMillis();
        server = SmtpTestServer.builder(var).tlsMode(TlsMode.IMPLICIT).start();
        try (SmtpClient client = SmtpClient.connectTls(server.address())) {
            assertThat(client.tlsSocket().getSession().getPeerCertificates()[0]).isEqualTo(first);
        }
        assertThat(Files.getLastModifiedTime(store).toMillis()).isEqualTo(modified);
        assertThat(first.toString()).contains("CN=mx.example.org");
    }

    @Test
    void usesAConfiguredPkcs12Keystore() throws Exception {
        Path keystore = TlsFixtures.keystore(var);
        TlsConfig tls = new TlsConfig(Optional.of(keystore), "PKCS12", Optional.of(TlsFixtures.SECRET),
                Optional.empty(), Optional.empty());
        server = SmtpTestServer.builder(var).tlsMode(TlsMode.STARTTLS).tls(tls).start();
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            assertThat(client.startTls()).startsWith("220");
            assertThat(client.tlsSocket().getSession().getPeerCertificates()[0].toString()).contains("CN=configured.example");
        }
    }

    @Test
    void usesAConfiguredPemKeyAndChain() throws Exception {
        Path[] pem = TlsFixtures.pem(var);
        TlsConfig tls = new TlsConfig(Optional.empty(), "PKCS12", Optional.empty(), Optional.of(pem[0]), Optional.of(pem[1]));
        server = SmtpTestServer.builder(var).tlsMode(TlsMode.IMPLICIT).tls(tls).start();
        try (SmtpClient client = SmtpClient.connectTls(server.address())) {
            assertThat(client.tlsSocket().getSession().getPeerCertificates()[0].toString()).contains("CN=configured.example");
            assertThat(client.ehlo()).startsWith("250");
        }
    }

    @Test
    void explainsBadTlsMaterial() throws Exception {
        Path keystore = TlsFixtures.keystore(var);
        TlsConfig wrongSecret = new TlsConfig(Optional.of(keystore), "PKCS12", Optional.of("not-the-secret"),
                Optional.empty(), Optional.empty());
        assertThatThrownBy(() -> SmtpTestServer.builder(var).name("submission").tlsMode(TlsMode.STARTTLS)
                .tls(wrongSecret).start())
                .isInstanceOf(ListenerStartException.class)
                .hasMessageStartingWith("listener 'submission': TLS: cannot read keystore " + keystore);
        TlsConfig missing = new TlsConfig(Optional.of(var.resolve("nope.p12")), "PKCS12", Optional.empty(),
                Optional.empty(), Optional.empty());
        assertThatThrownBy(() -> SmtpTestServer.builder(var).tlsMode(TlsMode.STARTTLS).tls(missing).start())
                .isInstanceOf(ListenerStartException.class)
                .hasMessageContaining("nope.p12 does not exist");
    }
}
