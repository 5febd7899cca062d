package org.postline.container.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postline.container.remote.DeliveryHarness.await;
import static org.postline.container.remote.DeliveryHarness.deliveryStatus;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.queue.DsnRequest;
import org.postline.api.queue.SpooledMail;

/** RemoteDelivery end to end: spool, pipeline, outgoing queue, fake DNS, fake SMTP servers, reports. */
class RemoteDeliveryTest {

    @TempDir
    Path dir;
    DeliveryHarness h;

    @BeforeEach
    void setUp() throws Exception {
        h = new DeliveryHarness(dir);
        h.mx("example.net", 10, "mx.example.net").host("mx.example.net", "127.0.0.1");
        h.mx("sender.test", 10, "mx.sender.test").host("mx.sender.test", "127.0.0.1");
    }

    @AfterEach
    void tearDown() throws Exception {
        h.close();
    }

    @Test
    void allRecipientsOfADomainGoInOneTransactionAndADomainWithoutMxGetsItsAddress() throws Exception {
        h.host("nomx.test", "127.0.0.1");
        h.start("");
        h.send("carol@sender.test", "dave@example.net", "erin@example.net", "frank@nomx.test", "gina@EXAMPLE.net");

        await("two transactions", () -> h.server().transactions.size() == 2);
        await("queue empty", () -> h.outgoing().size() == 0);
        var byDomain = h.server().transactions;
        assertThat(byDomain).anySatisfy(t -> assertThat(t.rcptTo())
                .containsExactly("dave@example.net", "erin@example.net", "gina@example.net"));
        assertThat(byDomain).anySatisfy(t -> assertThat(t.rcptTo()).containsExactly("frank@nomx.test"));
        FakeSmtpServer.Transaction first = byDomain.get(0);
        assertThat(first.helo()).isEqualTo("relay.postline.test");
        assertThat(first.ehlo()).isTrue();
        assertThat(first.mailFrom()).startsWith("<carol@sender.test>").contains("SIZE=").doesNotContain("BODY=");
        assertThat(first.text()).isEqualTo(DeliveryHarness.MESSAGE);
        assertThat(h.reports()).isEmpty();
    }

    @Test
    void someRecipientsFailOthersAreDeliveredAndTheDeferredOneIsRetriedAlone() throws Exception {
        h.server().rcptReply = to -> to.startsWith("bad") ? "550 5.1.1 no such user"
                : to.startsWith("busy") ? "452 4.2.2 mailbox full" : "250 2.1.5 ok";
        h.start("<delayTime>300ms</delayTime>");
        h.send("carol@sender.test", "dave@example.net", "bad@example.net", "busy@example.net");

        await("the first transaction", () -> h.server().transactions.size() == 1);
        assertThat(h.server().transactions.get(0).rcptTo()).containsExactly("dave@example.net");
        await("the failure report", () -> h.reports().size() == 1);
        await("the deferred recipient queued alone", () -> h.outgoing().all().size() == 1
                && h.outgoing().all().get(0).failedAttempts() == 1);
        SpooledMail deferred = h.outgoing().all().get(0);
        assertThat(deferred.envelope().recipients()).containsExactly("busy@example.net");
        assertThat(deferred.lastFailure()).contains("4.2.2");

        MimeMessage report = h.report(0);
        assertThat(report.getAllRecipients()[0].toString()).isEqualTo("carol@sender.test");
        assertThat(h.reports().get(0).envelope().sender()).isEmpty();
        assertThat(report.getContentType()).contains("multipart/report").contains("report-type=delivery-status");
        MimeMultipart parts = (MimeMultipart) report.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("message/delivery-status");
        assertThat(parts.getBodyPart(2).getContentType()).startsWith("message/rfc822");
        String status = deliveryStatus(report);
        assertThat(status).contains("Reporting-MTA: dns; mail.example.org")
                .contains("Final-Recipient: rfc822; bad@example.net")
                .contains("Action: failed").contains("Status: 5.1.1")
                .contains("Remote-MTA: dns; mx.example.net")
                .contains("Diagnostic-Code: smtp; 550 5.1.1 no such user")
                .doesNotContain("dave@example.net").doesNotContain("busy@example.net");
        assertThat(new String(parts.getBodyPart(2).getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                .contains("Message-ID: <original@sender.test>").contains("Hello Dave,");

        h.server().rcptReply = to -> "250 2.1.5 ok";
        await("the retry", () -> h.server().transactions.size() == 2);
        assertThat(h.server().transactions.get(1).rcptTo()).containsExactly("busy@example.net");
        await("queue empty", () -> h.outgoing().size() == 0);
        assertThat(h.reports()).hasSize(1);
    }

    @Test
    void aTemporaryFailureAfterDataIsRetriedThenDelivered() throws Exception {
        h.server().replyToData("451 4.3.0 try again later");
        h.start("<delayTime>200ms</delayTime>");
        h.send("carol@sender.test", "dave@example.net");
        await("two transactions", () -> h.server().transactions.size() == 2);
        await("queue empty", () -> h.outgoing().size() == 0);
        assertThat(h.server().transactions).extracting(FakeSmtpServer.Transaction::reply)
                .containsExactly("451 4.3.0 try again later", "250 2.0.0 queued");
        assertThat(h.reports()).isEmpty();
    }

    @Test
    void whenRetriesAreExhaustedTheSenderGetsAReportAsRetAndEnvidAsk() throws Exception {
        h.server().replyToData("451 4.3.0 later", "451 4.3.0 later", "451 4.3.0 later", "451 4.3.0 later");
        h.start("<delayTime>100ms</delayTime><maxRetries>2</maxRetries>");
        DsnRequest dsn = new DsnRequest(Optional.of("HDRS"), Optional.of("env-42"), Map.of("dave@example.net",
                new DsnRequest.RecipientDsn(Set.of("FAILURE"), Optional.of("rfc822;dave@alias.example.net"))));
        h.send("carol@sender.test", dsn, DeliveryHarness.MESSAGE, "dave@example.net");

        await("the report", () -> h.reports().size() == 1);
        assertThat(h.server().transactions).hasSize(3);
        await("queue empty", () -> h.outgoing().size() == 0);
        MimeMessage report = h.report(0);
        assertThat(report.getSubject()).isEqualTo("Undelivered Mail Returned to Sender");
        assertThat(deliveryStatus(report)).contains("Original-Envelope-Id: env-42")
                .contains("Original-Recipient: rfc822;dave@alias.example.net")
                .contains("Final-Recipient: rfc822; dave@example.net")
                .contains("Action: failed").contains("Status: 4.3.0").contains("gave up after 3 attempts");
        MimeMultipart parts = (MimeMultipart) report.getContent();
        assertThat(parts.getBodyPart(2).getContentType()).startsWith("text/rfc822-headers");
        assertThat(new String(parts.getBodyPart(2).getInputStream().readAllBytes(), StandardCharsets.US_ASCII))
                .contains("Subject: Hello").doesNotContain("Hello Dave,");
    }

    @Test
    void mailFromTheNullSenderIsNeverReportedOn() throws Exception {
        h.server().rcptReply = to -> "550 5.1.1 no such user";
        h.start("");
        h.send(null, "dave@example.net");
        await("the refusal", () -> h.server().connections.get() >= 1 && h.outgoing().size() == 0);
        await("spool empty", () -> h.env.spool.size() == 0);
        assertThat(h.reports()).isEmpty();
        assertThat(h.env.spool.completed()).hasSize(1); // only the mail itself: nothing went to the bounce processor
    }

    @Test
    void notifyNeverSilencesAFailureAndNotifySuccessGetsARelayedReport() throws Exception {
        h.server().rcptReply = to -> to.startsWith("bad") ? "550 5.1.1 no such user" : "250 ok";
        h.start("");
        DsnRequest dsn = new DsnRequest(Optional.empty(), Optional.empty(), Map.of(
                "bad@example.net", new DsnRequest.RecipientDsn(Set.of("NEVER"), Optional.empty()),
                "dave@example.net", new DsnRequest.RecipientDsn(Set.of("SUCCESS"), Optional.empty())));
        h.send("carol@sender.test", dsn, DeliveryHarness.MESSAGE, "dave@example.net", "bad@example.net");
        await("the relayed report", () -> h.reports().size() == 1);
        await("queue empty", () -> h.outgoing().size() == 0);
        String status = deliveryStatus(h.report(0));
        assertThat(status).contains("Final-Recipient: rfc822; dave@example.net").contains("Action: relayed")
                .contains("Status: 2.").doesNotContain("bad@example.net");
        assertThat(h.report(0).getSubject()).isEqualTo("Successful Mail Delivery Report");
    }

    @Test
    void domainsThatDoNotExistOrTakeNoMailAreReportedAtOnce() throws Exception {
        h.dns.put(DeliveryHarness.name("nullmx.test"), java.util.List.of(new org.xbill.DNS.MXRecord(
                DeliveryHarness.name("nullmx.test"), org.xbill.DNS.DClass.IN, 60, 0, org.xbill.DNS.Name.root)));
        h.start("");
        h.send("carol@sender.test", "a@nowhere.test", "b@nullmx.test");
        await("the report", () -> h.reports().size() == 1);
        await("queue empty", () -> h.outgoing().size() == 0);
        String status = deliveryStatus(h.report(0));
        assertThat(status).contains("Final-Recipient: rfc822; a@nowhere.test").contains("Status: 5.1.2")
                .contains("Final-Recipient: rfc822; b@nullmx.test").contains("Status: 5.1.10");
        assertThat(h.server().connections.get()).isZero();
    }

    @Test
    void aTemporaryDnsFailureIsRetried() throws Exception {
        h.dns.fail(DeliveryHarness.name("example.net"));
        h.start("<delayTime>300ms</delayTime>");
        h.send("carol@sender.test", "dave@example.net");
        await("deferred", () -> !h.outgoing().all().isEmpty() && h.outgoing().all().get(0).failedAttempts() >= 1);
        assertThat(h.outgoing().all().get(0).lastFailure()).contains("4.4.3");
        h.dns.recover(DeliveryHarness.name("example.net"));
        await("delivered", () -> h.server().transactions.size() == 1);
        await("queue empty", () -> h.outgoing().size() == 0);
        assertThat(h.reports()).isEmpty();
    }

    @Test
    void theReportItselfTravelsThroughThePipelineToTheSendersServer() throws Exception {
        h.server().rcptReply = to -> to.equals("bad@example.net") ? "550 5.1.1 no such user" : "250 ok";
        h.start("", false);
        h.send("carol@sender.test", "bad@example.net");
        await("the report delivered to sender.test", () -> h.server().transactions.stream()
                .anyMatch(t -> t.rcptTo().contains("carol@sender.test")));
        FakeSmtpServer.Transaction report = h.server().transactions.stream()
                .filter(t -> t.rcptTo().contains("carol@sender.test")).findFirst().orElseThrow();
        assertThat(report.mailFrom()).startsWith("<>");
        assertThat(report.text()).contains("multipart/report").contains("Action: failed")
                .contains("Auto-Submitted: auto-replied");
    }

    @Test
    void aMessageTooBigForTheServerIsReturnedWithoutSending() throws Exception {
        h.server().extensions = java.util.List.of("SIZE 100");
        h.start("");
        h.send("carol@sender.test", "dave@example.net");
        await("the report", () -> h.reports().size() == 1);
        assertThat(deliveryStatus(h.report(0))).contains("Status: 5.3.4");
        assertThat(h.server().transactions).isEmpty();
    }

    @Test
    void aServerWithoutEhloIsGreetedWithHeloAndConnectionsAreReused() throws Exception {
        h.server().rejectEhlo = true;
        h.start("<deliveryThreads>1</deliveryThreads>");
        h.send("carol@sender.test", "dave@example.net");
        await("first", () -> h.server().transactions.size() == 1);
        h.send("carol@sender.test", "erin@example.net");
        await("second", () -> h.server().transactions.size() == 2);
        assertThat(h.server().transactions).allSatisfy(t -> {
            assertThat(t.ehlo()).isFalse();
            assertThat(t.helo()).isEqualTo("relay.postline.test");
            assertThat(t.mailFrom()).isEqualTo("<carol@sender.test>");
        });
        assertThat(h.server().connections.get()).isEqualTo(1);
    }

    @Test
    void aDelayWarningGoesOutOnceWhileTheMailIsStillRetried() throws Exception {
        h.server().rcptReply = to -> "450 4.2.1 mailbox busy";
        h.start("<delayTime>150ms</delayTime><delayWarning>200ms</delayWarning>");
        h.send("carol@sender.test", "dave@example.net");
        await("the delay warning", () -> h.reports().size() == 1);
        String status = deliveryStatus(h.report(0));
        assertThat(status).contains("Action: delayed").contains("Status: 4.2.1").contains("Will-Retry-Until: ");
        assertThat(h.report(0).getSubject()).isEqualTo("Delayed Mail (still being retried)");
        await("more retries", () -> h.outgoing().all().size() == 1 && h.outgoing().all().get(0).failedAttempts() > 4);
        assertThat(h.reports()).as("one warning only").hasSize(1);

        h.server().rcptReply = to -> "250 ok";
        await("delivered", () -> h.server().transactions.size() == 1);
        await("queue empty", () -> h.outgoing().size() == 0);
        assertThat(h.reports()).hasSize(1);
    }

    @Test
    void aMailOlderThanMaxAgeFails() throws Exception {
        h.server().rcptReply = to -> "451 4.7.1 greylisted";
        h.start("<delayTime>100ms</delayTime><maxAge>400ms</maxAge>");
        h.send("carol@sender.test", "dave@example.net");
        await("the report", () -> h.reports().size() == 1);
        await("queue empty", () -> h.outgoing().size() == 0);
        assertThat(deliveryStatus(h.report(0))).contains("Action: failed").contains("Status: 4.7.1")
                .contains("queued longer than 400ms");
    }
}
