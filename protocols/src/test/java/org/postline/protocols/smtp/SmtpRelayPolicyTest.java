package org.postline.protocols.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Who may send to whom: local recipients, relay rights, open-relay tricks, sender ownership, AUTH gating. */
class SmtpRelayPolicyTest {

    @TempDir
    Path var;

    private SmtpTestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private SmtpClient mailFrom(String sender) throws Exception {
        SmtpClient client = server.connect();
        client.ehlo();
        assertThat(client.send("MAIL FROM:<" + sender + ">")).startsWith("250");
        return client;
    }

    @Test
    void acceptsLocalUsersRewriteSourcesAndPostmasterAndRefusesUnknownLocalUsers() throws Exception {
        server = SmtpTestServer.builder(var).loopbackNotSecure().start();
        try (SmtpClient client = mailFrom("someone@remote.example")) {
            assertThat(client.send("RCPT TO:<bob@example.org>")).startsWith("250 2.1.5");
            assertThat(client.send("RCPT TO:<sales@example.org>")).startsWith("250 2.1.5");
            assertThat(client.send("RCPT TO:<anything@catchall.example>")).startsWith("250 2.1.5");
            assertThat(client.send("RCPT TO:<whoever@alias-domain.example>")).startsWith("250 2.1.5");
            assertThat(client.send("RCPT TO:<PostMaster@example.net>")).startsWith("250 2.1.5");
            assertThat(client.send("RCPT TO:<nobody@example.org>")).startsWith("550 5.1.1");
            assertThat(client.send("RCPT TO:<postmaster@remote.example>")).startsWith("550 5.7.1");
            assertThat(client.send("RCPT TO:<abuse@remote.example>")).startsWith("550 5.7.1");
        }
    }

    @Test
    void refusesRelayWithoutRights() throws Exception {
        server = SmtpTestServer.builder(var).loopbackNotSecure().start();
        try (SmtpClient client = mailFrom("alice@example.org")) {
            assertThat(client.send("RCPT TO:<victim@remote.example>")).isEqualTo(
                    "550 5.7.1 <victim@remote.example>: relaying denied");
            assertThat(client.send("RCPT TO:<victim@[192.0.2.1]>")).startsWith("550 5.7.1");
            assertThat(client.send("DATA")).startsWith("503");
        }
        assertThat(server.spool.begun.get()).isZero();
    }

    @Test
    void asksForAuthenticationWhenAuthIsOnOffer() throws Exception {
        server = SmtpTestServer.builder(var).start();
        try (SmtpClient client = mailFrom("alice@example.org")) {
            assertThat(client.send("RCPT TO:<victim@remote.example>")).startsWith("530 5.7.0");
        }
    }

    @Test
    void relaysForConfiguredNetworks() throws Exception {
        server = SmtpTestServer.builder(var).loopbackNotSecure().relayNetworks("10.0.0.0/8", "127.0.0.0/8").start();
        try (SmtpClient client = mailFrom("anyone@remote.example")) {
            assertThat(client.send("RCPT TO:<friend@remote.example>")).startsWith("250 2.1.5");
            assertThat(client.data("Subject: relayed\r\n\r\nx\r\n")).startsWith("250 2.0.0");
        }
        assertThat(server.spool.only().envelope().recipients()).containsExactly("friend@remote.example");
        // The pipeline's SMTPIsAuthNetwork matcher reads this mark; without it the mail would be refused later.
        assertThat(server.spool.only().envelope().attributes())
                .containsEntry(SpoolingDataCmdHandler.AUTH_NETWORK_ATTRIBUTE, SpoolingDataCmdHandler.TRUE_ATTRIBUTE_JSON);
    }

    @Test
    void clientsOutsideRelayNetworksCarryNoRelayMark() throws Exception {
        server = SmtpTestServer.builder(var).loopbackNotSecure().relayNetworks("10.0.0.0/8").start();
        try (SmtpClient client = mailFrom("anyone@remote.example")) {
            assertThat(client.send("RCPT TO:<bob@example.org>")).startsWith("250 2.1.5");
            assertThat(client.data("Subject: local\r\n\r\nx\r\n")).startsWith("250 2.0.0");
        }
        assertThat(server.spool.only().envelope().attributes()).isEmpty();
    }

    @Test
    void relaysAfterAuthentication() throws Exception {
        server = SmtpTestServer.builder(var).plainAuthWithoutTls().loopbackNotSecure().start();
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            assertThat(client.send("AUTH LOGIN")).isEqualTo("334 VXNlcm5hbWU6");
            assertThat(client.send(b64("bob@example.org"))).isEqualTo("334 UGFzc3dvcmQ6");
            assertThat(client.send(b64("bob-secret"))).isEqualTo("235 2.7.0 Authentication successful");
            assertThat(client.send("MAIL FROM:<bob@example.org>")).startsWith("250");
            assertThat(client.send("RCPT TO:<friend@remote.example>")).startsWith("250 2.1.5");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "victim%remote.example@example.org",
        "remote.example!victim@example.org",
        "\"victim@remote.example\"@example.org",
        "victim\\@remote.example@example.org",
        "victim%remote.example@catchall.example",
        "\"victim%remote.example\"@catchall.example",
        "@example.org:victim@remote.example",
        "@example.org,@example.net:victim@example.org",
        "victim%remote.example@remote2.example",
    })
    void neverRelaysOpenRelayTricks(String trick) throws Exception {
        server = SmtpTestServer.builder(var).loopbackNotSecure().start();
        try (SmtpClient client = mailFrom("someone@remote.example")) {
            String reply = client.send("RCPT TO:<" + trick + ">");
            assertThat(reply).matches("(550 5\\.7\\.1|553 5\\.1\\.3) .*");
            assertThat(client.send("DATA")).startsWith("503");
        }
        assertThat(server.spool.begun.get()).isZero();
    }

    @Test
    void trickyLocalPartsAreFineForClientsThatMayRelayAnyway() throws Exception {
        server = SmtpTestServer.builder(var).loopbackNotSecure().relayNetworks("127.0.0.1/32").start();
        try (SmtpClient client = mailFrom("someone@remote.example")) {
            assertThat(client.send("RCPT TO:<user%host@remote.example>")).startsWith("250");
            assertThat(client.send("RCPT TO:<user%host@example.org>")).startsWith("550 5.1.1");
        }
    }

    @Test
    void authenticatedUserMaySendOnlyAsThemselvesOrTheirAliases() throws Exception {
        server = SmtpTestServer.builder(var).start();
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            assertThat(client.send("AUTH PLAIN " + b64("\0alice@example.org\0alice-secret"))).startsWith("235");
            assertThat(client.send("MAIL FROM:<bob@example.org>")).startsWith("550 5.7.1");
            assertThat(client.send("MAIL FROM:<sales@example.org>")).startsWith("250");
            assertThat(client.send("RSET")).startsWith("250");
            assertThat(client.send("MAIL FROM:<ALICE@example.org>")).startsWith("250");
            assertThat(client.send("RSET")).startsWith("250");
            assertThat(client.send("MAIL FROM:<>")).startsWith("250");
        }
    }

    @Test
    void senderOwnershipCanBeSwitchedOff() throws Exception {
        server = SmtpTestServer.builder(var).senderMayBeAnyAddress().start();
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            assertThat(client.send("AUTH PLAIN " + b64("\0alice@example.org\0alice-secret"))).startsWith("235");
            assertThat(client.send("MAIL FROM:<bob@example.org>")).startsWith("250");
        }
    }

    @Test
    void submissionRequiresAuthBeforeMail() throws Exception {
        server = SmtpTestServer.builder(var).authRequired().start();
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            assertThat(client.send("MAIL FROM:<alice@example.org>")).startsWith("530 5.7.0");
            assertThat(client.send("RCPT TO:<bob@example.org>")).startsWith("503");
            assertThat(client.send("AUTH PLAIN " + b64("alice\0alice\0alice-secret"))).startsWith("235");
            assertThat(client.send("MAIL FROM:<alice@example.org>")).startsWith("250");
        }
    }

    @Test
    void authIsNeitherOfferedNorAcceptedWithoutTlsFromANonTrustedClient() throws Exception {
        server = SmtpTestServer.builder(var).loopbackNotSecure().start();
        try (SmtpClient client = server.connect()) {
            assertThat(client.ehlo()).doesNotContain("AUTH");
            assertThat(client.send("AUTH PLAIN " + b64("\0alice@example.org\0alice-secret"))).startsWith("502 5.5.1");
            assertThat(client.send("MAIL FROM:<alice@example.org>")).startsWith("250");
            assertThat(client.send("RCPT TO:<friend@remote.example>")).startsWith("550 5.7.1");
        }
    }

    @Test
    void authIsRefusedInsideATransaction() throws Exception {
        server = SmtpTestServer.builder(var).start();
        try (SmtpClient client = mailFrom("x@remote.example")) {
            assertThat(client.send("AUTH PLAIN " + b64("\0alice@example.org\0alice-secret"))).startsWith("503 5.5.1");
        }
    }

    @Test
    void backPressureDefersNewMail() throws Exception {
        server = SmtpTestServer.builder(var).maxQueued(5).start();
        server.spool.reportedSize.set(6);
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            assertThat(client.send("MAIL FROM:<a@remote.example>")).startsWith("452 4.3.1");
            server.spool.reportedSize.set(5);
            assertThat(client.send("MAIL FROM:<a@remote.example>")).startsWith("250");
        }
    }

    @Test
    void unqualifiedRecipientsGetTheHostName() throws Exception {
        server = SmtpTestServer.builder(var).loopbackNotSecure().start();
        server.directory.domains.add(SmtpTestServer.HOST);
        try (SmtpClient client = mailFrom("a@remote.example")) {
            assertThat(client.send("RCPT TO:<postmaster>")).startsWith("250 2.1.5 Recipient <postmaster@mx.example.org>");
        }
    }

    static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
