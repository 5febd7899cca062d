package org.postline.protocols.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.ListenerConfig.TlsMode;

/** Where plain-text login is allowed, STLS, implicit TLS, AUTH PLAIN, and failed-login throttling. */
class Pop3AuthenticationTest {

    @TempDir
    static Path var;

    private Pop3TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static String plain(String authorizationId, String login, String password) {
        return Base64.getEncoder().encodeToString((authorizationId + "\0" + login + "\0" + password)
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void refusesPlainTextLoginWithoutTlsUntilStls() throws Exception {
        server = Pop3TestServer.builder(var).tlsMode(TlsMode.STARTTLS).loopbackNotSecure().start();
        try (Pop3Client client = server.connect()) {
            assertThat(client.sendMulti("CAPA")).contains("STLS", "TOP", "UIDL").doesNotContain("USER", "SASL PLAIN");
            assertThat(client.send("USER alice@example.org")).isEqualTo("-ERR TLS is required for plain-text login; send STLS first");
            assertThat(client.send("PASS alice-secret")).startsWith("-ERR TLS is required");
            assertThat(client.send("AUTH PLAIN " + plain("", "alice@example.org", "alice-secret"))).startsWith("-ERR TLS is required");

            assertThat(client.stls()).isEqualTo("+OK Begin TLS negotiation");
            assertThat(client.sendMulti("CAPA")).contains("USER", "SASL PLAIN").doesNotContain("STLS");
            assertThat(client.send("STLS")).isEqualTo("-ERR TLS is already active");
            client.login("alice@example.org", "alice-secret");
            assertThat(client.send("STAT")).isEqualTo("+OK 0 0");
        }
    }

    @Test
    void refusesPlainTextLoginOnAPortWithoutTlsUnlessAllowed() throws Exception {
        server = Pop3TestServer.builder(var).loopbackNotSecure().start();
        try (Pop3Client client = server.connect()) {
            assertThat(client.sendMulti("CAPA")).doesNotContain("USER", "STLS");
            assertThat(client.send("USER alice@example.org")).isEqualTo("-ERR TLS is required for plain-text login; use the implicit-TLS port");
            assertThat(client.send("STLS")).isEqualTo("-ERR STLS is not available on this port");
            assertThat(client.send("NOOP")).isEqualTo("-ERR Command not valid in this state");
        }
        server.close();
        server = Pop3TestServer.builder(var).loopbackNotSecure().plainAuthWithoutTls().start();
        try (Pop3Client client = server.connect()) {
            assertThat(client.sendMulti("CAPA")).contains("USER");
            client.login("alice@example.org", "alice-secret");
        }
    }

    @Test
    void stlsIsOnlyAllowedBeforeLoginAndARefusalLeavesTheSessionUsable() throws Exception {
        server = Pop3TestServer.builder(var).tlsMode(TlsMode.STARTTLS).start();
        try (Pop3Client client = server.connect()) {
            client.login("alice@example.org", "alice-secret");
            assertThat(client.sendMulti("CAPA")).doesNotContain("STLS", "USER");
            assertThat(client.send("STLS")).isEqualTo("-ERR STLS is only allowed before login");
            assertThat(client.send("STAT")).isEqualTo("+OK 0 0");
        }
    }

    @Test
    void closesAConnectionThatSendsCommandsAfterStlsInTheSamePacket() throws Exception {
        server = Pop3TestServer.builder(var).tlsMode(TlsMode.STARTTLS).loopbackNotSecure().start();
        try (Pop3Client client = server.connect()) {
            client.write("STLS\r\nUSER alice@example.org\r\n");
            assertThat(client.readLine()).startsWith("-ERR");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void implicitTlsAllowsLoginFromTheFirstByte() throws Exception {
        server = Pop3TestServer.builder(var).tlsMode(TlsMode.IMPLICIT).loopbackNotSecure().start();
        try (Pop3Client client = Pop3Client.connectTls(server.address())) {
            assertThat(client.greeting).startsWith("+OK");
            assertThat(client.sendMulti("CAPA")).contains("USER").doesNotContain("STLS");
            client.login("alice@example.org", "alice-secret");
        }
    }

    @Test
    void authPlainWithAnInitialResponseOrAContinuation() throws Exception {
        server = Pop3TestServer.builder(var).start();
        server.append("carol@example.org", TestMessages.simple("for carol", 1));
        try (Pop3Client client = server.connect()) {
            assertThat(client.send("AUTH PLAIN " + plain("", "carol@example.org", "p\u00e4ss w\u00f6rd")))
                    .isEqualTo("+OK Welcome carol@example.org");
            assertThat(client.send("STAT")).startsWith("+OK 1 ");
        }
        try (Pop3Client client = server.connect()) {
            assertThat(client.send("AUTH PLAIN")).isEqualTo("+ ");
            assertThat(client.send(plain("bob@example.org", "bob@example.org", "bob-secret"))).startsWith("+OK");
        }
        try (Pop3Client client = server.connect()) {
            assertThat(client.send("AUTH PLAIN")).isEqualTo("+ ");
            assertThat(client.send("*")).isEqualTo("-ERR Authentication cancelled");
            assertThat(client.send("AUTH CRAM-MD5")).isEqualTo("-ERR Unsupported authentication mechanism");
            assertThat(client.send("AUTH PLAIN " + plain("alice@example.org", "bob@example.org", "bob-secret")))
                    .isEqualTo("-ERR [AUTH] Authentication failed");
        }
    }

    @Test
    void passAcceptsPasswordsWithSpacesAndNonAsciiCharacters() throws Exception {
        server = Pop3TestServer.builder(var).start();
        try (Pop3Client client = server.connect()) {
            client.login("carol@example.org", "p\u00e4ss w\u00f6rd");
        }
    }

    @Test
    void aWrongPasswordIsAnsweredAfterTheDelayWithoutHoldingUpOthers() throws Exception {
        server = Pop3TestServer.builder(var).authFailures(Duration.ofSeconds(30), 3).start();
        try (Pop3Client guesser = server.connect(); Pop3Client honest = server.connect()) {
            assertThat(guesser.send("USER alice@example.org")).startsWith("+OK");
            guesser.write("PASS wrong\r\n");
            assertThat(guesser.silentFor(Duration.ofMillis(300))).isTrue();
            honest.login("bob@example.org", "bob-secret");
            assertThat(honest.send("STAT")).isEqualTo("+OK 0 0");
        }
    }

    @Test
    void disconnectsAfterTooManyFailedLogins() throws Exception {
        server = Pop3TestServer.builder(var).authFailures(Duration.ofMillis(20), 3).start();
        try (Pop3Client client = server.connect()) {
            assertThat(client.send("USER alice@example.org")).startsWith("+OK");
            assertThat(client.send("PASS wrong")).isEqualTo("-ERR [AUTH] Authentication failed");
            assertThat(client.send("USER nobody@example.org")).startsWith("+OK");
            assertThat(client.send("PASS wrong")).isEqualTo("-ERR [AUTH] Authentication failed");
            assertThat(client.send("PASS alice-secret")).isEqualTo("-ERR Send USER first");
            assertThat(client.send("USER alice@example.org")).startsWith("+OK");
            assertThat(client.send("PASS wrong-again"))
                    .isEqualTo("-ERR [AUTH] Authentication failed; too many failures, closing connection");
            assertThat(client.closedByServer()).isTrue();
        }
        try (Pop3Client client = server.connect()) {
            client.login("alice@example.org", "alice-secret");
        }
    }
}
