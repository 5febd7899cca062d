package org.postline.container.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postline.container.remote.DeliveryHarness.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.queue.DsnRequest;

/** Which host gets the mail and how the connection goes: MX order, dead peers, TLS, smart host, 8-bit. */
class RemoteDeliveryConnectionTest {

    @TempDir
    static Path certificates;
    static Path localhostKeystore;
    static Path mxKeystore;

    @TempDir
    Path dir;
    DeliveryHarness h;

    @BeforeAll
    static void makeCertificates() throws Exception {
        localhostKeystore = TestCertificates.keystore(certificates, "localhost");
        mxKeystore = TestCertificates.keystore(certificates, "mx.secure.test");
    }

    @BeforeEach
    void setUp() throws Exception {
        h = new DeliveryHarness(dir);
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    @Test
    void theMostPreferredMxGetsTheMail() throws Exception {
        FakeSmtpServer backup = h.ipv6Twin(); // on ::1
        h.mx("order.test", 20, "backup.order.test", 10, "primary.order.test")
                .host("primary.order.test", "127.0.0.1").host("backup.order.test", "::1");
        h.start("");
        h.send("carol@sender.test", "a@order.test");
        await("delivered to the primary", () -> h.server().transactions.size() == 1);
        assertThat(backup.transactions).isEmpty();
        assertThat(backup.connections.get()).isZero();
    }

    @Test
    void whenThePreferredMxRefusesConnectionsTheNextOneGetsTheMail() throws Exception {
        // Nothing listens on ::1 at the servers' port: the preferred MX refuses the connection.
        h.mx("fallback.test", 10, "down.fallback.test", 20, "up.fallback.test")
                .host("down.fallback.test", "::1").host("up.fallback.test", "127.0.0.1");
        h.start("");
        h.send("carol@sender.test", "b@fallback.test");
        await("delivered to the second MX", () -> h.server().transactions.size() == 1);
        assertThat(h.server().transactions.get(0).rcptTo()).containsExactly("b@fallback.test");
        await("queue empty", () -> h.outgoing().size() == 0);
    }

    @Test
    void aPeerThatNeverAnswersTimesOutWithoutHoldingUpOtherMail() throws Exception {
        FakeSmtpServer silent = h.ipv6Twin();
        silent.silent = true;
        h.mx("dead.test", 10, "mx.dead.test").host("mx.dead.test", "::1");
        h.mx("live.test", 10, "mx.live.test").host("mx.live.test", "127.0.0.1");
        h.start("<timeout>4s</timeout><deliveryThreads>2</deliveryThreads><delayTime>1h</delayTime>");
        h.send("carol@sender.test", "a@dead.test");
        await("the dead peer holds a connection", () -> silent.open.get() == 1);
        h.send("carol@sender.test", "b@live.test");
        await("the other mail delivered", () -> h.server().transactions.size() == 1);
        assertThat(silent.open.get()).as("still waiting for the dead peer's greeting").isEqualTo(1);
        await("the dead peer's mail deferred", () -> h.outgoing().all().size() == 1
                && h.outgoing().all().get(0).failedAttempts() == 1);
        assertThat(h.outgoing().all().get(0).envelope().recipients()).containsExactly("a@dead.test");
        assertThat(h.outgoing().all().get(0).lastFailure()).contains("4.4.2").containsIgnoringCase("timed out");
    }

    @Test
    void aPeerThatStallsAfterTheMessageTimesOutAndTheMailIsRetriedNotLost() throws Exception {
        FakeSmtpServer stalling = h.ipv6Twin();
        stalling.stallAfterData = true;
        h.mx("stall.test", 10, "mx.stall.test").host("mx.stall.test", "::1");
        h.mx("live.test", 10, "mx.live.test").host("mx.live.test", "127.0.0.1");
        h.start("<timeout>3s</timeout><deliveryThreads>2</deliveryThreads><delayTime>1h</delayTime>");
        h.send("carol@sender.test", "a@stall.test");
        await("the stalling peer holds a connection", () -> stalling.open.get() == 1);
        h.send("carol@sender.test", "b@live.test");
        await("the other mail delivered", () -> h.server().transactions.size() == 1);
        await("the stalled mail deferred, not dropped", () -> h.outgoing().all().size() == 1
                && h.outgoing().all().get(0).failedAttempts() == 1);
        assertThat(h.outgoing().all().get(0).envelope().recipients()).containsExactly("a@stall.test");
        assertThat(h.outgoing().all().get(0).lastFailure()).containsIgnoringCase("timed out");
    }

    @Test
    void starttlsIsUsedWhenOffered() throws Exception {
        h.server().extensions = List.of("STARTTLS", "8BITMIME");
        h.server().tls = TestCertificates.serverContext(localhostKeystore); // not valid for the MX name: fine here
        h.mx("example.net", 10, "mx.example.net").host("mx.example.net", "127.0.0.1");
        h.start("");
        h.send("carol@sender.test", "dave@example.net");
        await("delivered", () -> h.server().transactions.size() == 1);
        assertThat(h.server().transactions.get(0).tls()).isTrue();
    }

    @Test
    void aDomainThatRequiresTlsGetsNothingInPlainText() throws Exception {
        h.mx("secure.test", 10, "mx.secure.test").host("mx.secure.test", "127.0.0.1");
        h.start("<requireTls>secure.test</requireTls><delayTime>1h</delayTime>");
        h.send("carol@sender.test", "dave@secure.test");
        await("deferred", () -> h.outgoing().all().size() == 1 && h.outgoing().all().get(0).failedAttempts() == 1);
        assertThat(h.outgoing().all().get(0).lastFailure()).contains("4.7.5").contains("STARTTLS");
        assertThat(h.server().connections.get()).isEqualTo(1);
        assertThat(h.server().transactions).isEmpty();
    }

    @Test
    void requiredTlsChecksTheCertificate() throws Exception {
        SSLContext serverTls = TestCertificates.serverContext(mxKeystore);
        h.server().extensions = List.of("STARTTLS");
        h.server().tls = serverTls;
        h.mx("secure.test", 10, "mx.secure.test").host("mx.secure.test", "127.0.0.1");
        // Self-signed: not trusted by the JDK's trust store.
        h.start("<requireTls>.test</requireTls><delayTime>1h</delayTime>");
        h.send("carol@sender.test", "dave@secure.test");
        await("deferred", () -> h.outgoing().all().size() == 1 && h.outgoing().all().get(0).failedAttempts() == 1);
        assertThat(h.outgoing().all().get(0).lastFailure()).contains("4.7.5");
        assertThat(h.server().transactions).isEmpty();
    }

    @Test
    void requiredTlsDeliversWhenTheCertificateIsTrustedAndNamesTheMx() throws Exception {
        h.server().extensions = List.of("STARTTLS");
        h.server().tls = TestCertificates.serverContext(mxKeystore);
        h.mx("secure.test", 10, "mx.secure.test").host("mx.secure.test", "127.0.0.1");
        h.start("<requireTls>secure.test</requireTls><trustStore>" + mxKeystore + "</trustStore>"
                + "<trustStorePassword>" + TestCertificates.PASSWORD + "</trustStorePassword>");
        h.send("carol@sender.test", "dave@secure.test");
        await("delivered", () -> h.server().transactions.size() == 1);
        assertThat(h.server().transactions.get(0).tls()).isTrue();
    }

    @Test
    void aSmartHostGetsAllMailOverVerifiedTlsWithAuth() throws Exception {
        FakeSmtpServer relay = h.server();
        relay.extensions = List.of("STARTTLS", "AUTH PLAIN LOGIN", "8BITMIME");
        relay.tls = TestCertificates.serverContext(localhostKeystore);
        relay.authUser = "relay-user";
        relay.authPassword = "s3cret!";
        // No DNS records at all: a smart host needs none for the recipients' domains.
        h.start("<gateway>localhost:" + relay.port() + "</gateway><gatewayUsername>relay-user</gatewayUsername>"
                + "<gatewayPassword>s3cret!</gatewayPassword><trustStore>" + localhostKeystore + "</trustStore>"
                + "<trustStorePassword>" + TestCertificates.PASSWORD + "</trustStorePassword>");
        h.send("carol@sender.test", "dave@example.net", "erin@elsewhere.test");
        await("two transactions", () -> relay.transactions.size() == 2);
        assertThat(relay.transactions).allSatisfy(t -> {
            assertThat(t.tls()).isTrue();
            assertThat(t.authUser()).isEqualTo("relay-user");
        });
        assertThat(h.dns.queries.get()).isZero();
        await("queue empty", () -> h.outgoing().size() == 0);
    }

    @Test
    void aSmartHostWithWrongCredentialsDefersTheMail() throws Exception {
        FakeSmtpServer relay = h.server();
        relay.extensions = List.of("AUTH PLAIN");
        relay.authUser = "relay-user";
        relay.authPassword = "right";
        h.start("<gateway>127.0.0.1:" + relay.port() + "</gateway><gatewayTls>none</gatewayTls>"
                + "<gatewayUsername>relay-user</gatewayUsername><gatewayPassword>wrong</gatewayPassword>"
                + "<delayTime>1h</delayTime>");
        h.send("carol@sender.test", "dave@example.net");
        await("deferred", () -> h.outgoing().all().size() == 1 && h.outgoing().all().get(0).failedAttempts() == 1);
        assertThat(h.outgoing().all().get(0).lastFailure()).contains("4.7.0").doesNotContain("wrong");
        assertThat(relay.transactions).isEmpty();
    }

    static final String EIGHT_BIT = "From: carol@sender.test\r\n"
            + "To: dave@example.net\r\n"
            + "Subject: =?UTF-8?Q?Gr=C3=BC=C3=9Fe?=\r\n"
            + "Message-ID: <eight@sender.test>\r\n"
            + "MIME-Version: 1.0\r\n"
            + "Content-Type: multipart/mixed; boundary=\"b1\"\r\n"
            + "\r\n"
            + "--b1\r\n"
            + "Content-Type: text/plain; charset=UTF-8\r\n"
            + "Content-Transfer-Encoding: 8bit\r\n"
            + "\r\n"
            + "Gr\u00c3\u00bc\u00c3\u009fe aus K\u00c3\u00b6ln\r\n"
            + "--b1\r\n"
            + "Content-Type: application/octet-stream\r\n"
            + "Content-Transfer-Encoding: base64\r\n"
            + "\r\n"
            + "AAECAw==\r\n"
            + "--b1--\r\n";

    @Test
    void aServerWithout8BitMimeGetsQuotedPrintable() throws Exception {
        h.server().extensions = List.of("PIPELINING");
        h.mx("example.net", 10, "mx.example.net").host("mx.example.net", "127.0.0.1");
        h.start("");
        h.send("carol@sender.test", DsnRequest.none(), EIGHT_BIT, "dave@example.net");
        await("delivered", () -> h.server().transactions.size() == 1);
        FakeSmtpServer.Transaction t = h.server().transactions.get(0);
        assertThat(t.mailFrom()).doesNotContain("BODY=8BITMIME");
        for (byte b : t.data()) {
            assertThat(b).as("no 8-bit byte on the wire").isNotNegative();
        }
        MimeMessage received = new MimeMessage(null, new java.io.ByteArrayInputStream(t.data()));
        assertThat(received.getMessageID()).isEqualTo("<eight@sender.test>");
        MimeMultipart parts = (MimeMultipart) received.getContent();
        assertThat(parts.getBodyPart(0).getHeader("Content-Transfer-Encoding")[0]).isEqualTo("quoted-printable");
        assertThat(new String(parts.getBodyPart(0).getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("Grüße aus Köln");
        assertThat(parts.getBodyPart(1).getInputStream().readAllBytes()).containsExactly(0, 1, 2, 3);
    }

    @Test
    void aServerWith8BitMimeGetsTheBytesAsTheyAre() throws Exception {
        h.mx("example.net", 10, "mx.example.net").host("mx.example.net", "127.0.0.1");
        h.start("");
        h.send("carol@sender.test", DsnRequest.none(), EIGHT_BIT, "dave@example.net");
        await("delivered", () -> h.server().transactions.size() == 1);
        FakeSmtpServer.Transaction t = h.server().transactions.get(0);
        assertThat(t.mailFrom()).contains("BODY=8BITMIME");
        assertThat(t.text()).isEqualTo(EIGHT_BIT);
    }
}
