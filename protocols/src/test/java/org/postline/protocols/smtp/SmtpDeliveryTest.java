package org.postline.protocols.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.queue.DsnRequest;
import org.postline.api.queue.Envelope;

/** A message's way through the MX listener, over raw sockets: envelope, content, Received, DSN, threads. */
class SmtpDeliveryTest {

    @TempDir
    Path var;

    private SmtpTestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void greetsAndAnnouncesTheExtensionsButNotSmtpUtf8() throws Exception {
        server = SmtpTestServer.builder(var).start();
        try (SmtpClient client = server.connect()) {
            assertThat(client.greeting).isEqualTo("220 mx.example.org ESMTP Postline ready");
            String ehlo = client.ehlo();
            assertThat(ehlo.split("\n")[0]).isEqualTo("250-mx.example.org Hello client.test [127.0.0.1]");
            assertThat(ehlo).contains("250-PIPELINING", "ENHANCEDSTATUSCODES", "8BITMIME", "SIZE 1048576", "DSN",
                    "AUTH LOGIN PLAIN");
            assertThat(ehlo).doesNotContain("SMTPUTF8").doesNotContain("STARTTLS");
            assertThat(client.send("HELO other.test")).isEqualTo("250 mx.example.org Hello other.test [127.0.0.1]");
            assertThat(client.send("QUIT")).startsWith("221 2.0.0");
        }
    }

    @Test
    void storesTheMessageByteForByteWithReceivedHeaderAndExactDotUnstuffing() throws Exception {
        server = SmtpTestServer.builder(var).start();
        String body = "Subject: dots\r\n"
                + "\r\n"
                + "..\r\n"
                + "...\r\n"
                + "..leading\r\n"
                + ".x\r\n"
                + "8bit: \u00e9\u00e8\r\n"
                + "tab\tand trailing space \r\n";
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            assertThat(client.send("MAIL FROM:<sender@remote.example>")).startsWith("250 2.1.0");
            assertThat(client.send("RCPT TO:<Alice@EXAMPLE.org>")).startsWith("250 2.1.5");
            String reply = client.data(body);
            assertThat(reply).matches("250 2\\.0\\.0 Ok: queued as Q\\d+");
            assertThat(reply).endsWith(server.spool.only().id());
        }
        FakeSpool.Stored stored = server.spool.only();
        String text = stored.text();
        assertThat(text).startsWith("Received: from client.test ([127.0.0.1])\r\n\tby mx.example.org (Postline) with ESMTP id ");
        assertThat(text).contains("\tfor <Alice@example.org>; ");
        assertThat(text.substring(0, text.indexOf("Subject: dots"))).matches(
                "Received: from client\\.test \\(\\[127\\.0\\.0\\.1\\]\\)\r\n"
                + "\tby mx\\.example\\.org \\(Postline\\) with ESMTP id \\S+\r\n"
                + "\tfor <Alice@example\\.org>; (Mon|Tue|Wed|Thu|Fri|Sat|Sun), [1-3]?\\d "
                + "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} \\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\r\n");
        String content = text.substring(text.indexOf("Subject: dots"));
        assertThat(content).isEqualTo("Subject: dots\r\n\r\n.\r\n..\r\n.leading\r\nx\r\n8bit: \u00e9\u00e8\r\n"
                + "tab\tand trailing space \r\n");
        Envelope envelope = stored.envelope();
        assertThat(envelope.sender()).contains("sender@remote.example");
        assertThat(envelope.recipients()).containsExactly("Alice@example.org");
        assertThat(envelope.state()).isEqualTo("root");
        assertThat(envelope.name()).hasSize(36);
        assertThat(envelope.session().remoteAddress()).isEqualTo("127.0.0.1");
        assertThat(envelope.session().heloName()).isEqualTo("client.test");
        assertThat(envelope.session().authUser()).isEmpty();
        assertThat(envelope.session().tls()).isFalse();
        assertThat(envelope.session().listener()).isEqualTo("test-smtp");
    }

    @Test
    void keepsDsnParametersAndTheNullSender() throws Exception {
        server = SmtpTestServer.builder(var).start();
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            assertThat(client.send("MAIL FROM:<> RET=HDRS ENVID=QQ314159")).startsWith("250");
            assertThat(client.send("RCPT TO:<alice@example.org> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;alice+2Bx@example.org"))
                    .startsWith("250");
            assertThat(client.send("RCPT TO:<bob@example.org> NOTIFY=NEVER")).startsWith("250");
            assertThat(client.send("RCPT TO:<postmaster@example.net>")).startsWith("250");
            assertThat(client.send("RCPT TO:<bob@example.org> NOTIFY=SOMETIMES")).startsWith("501 5.5.4");
            assertThat(client.data("Subject: dsn\r\n\r\nbody\r\n")).startsWith("250 2.0.0");
        }
        String text = server.spool.only().text();
        assertThat(text.substring(0, text.indexOf("Subject: dsn"))).matches(
                "Received: from client\\.test \\(\\[127\\.0\\.0\\.1\\]\\)\r\n"
                + "\tby mx\\.example\\.org \\(Postline\\) with ESMTP id \\S+; [A-Z][a-z]{2}, [1-3]?\\d [A-Z][a-z]{2} \\d{4} "
                + "\\d\\d:\\d\\d:\\d\\d [+-]\\d{4}\r\n");
        Envelope envelope = server.spool.only().envelope();
        assertThat(envelope.sender()).isEmpty();
        assertThat(envelope.recipients()).containsExactly("alice@example.org", "bob@example.org", "postmaster@example.net");
        assertThat(envelope.dsn()).isEqualTo(new DsnRequest(Optional.of("HDRS"), Optional.of("QQ314159"), Map.of(
                "alice@example.org", new DsnRequest.RecipientDsn(Set.of("SUCCESS", "FAILURE"),
                        Optional.of("rfc822;alice+2Bx@example.org")),
                "bob@example.org", new DsnRequest.RecipientDsn(Set.of("NEVER"), Optional.empty()))));
        assertThat(server.spool.only().text()).doesNotContain("\tfor <");
    }

    @Test
    void dsnParametersOfARefusedMailDoNotLeakIntoTheNextTransaction() throws Exception {
        server = SmtpTestServer.builder(var).limits(l -> SmtpTestServer.Limits.maxMessageSize(l, 1000)).start();
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            assertThat(client.send("MAIL FROM:<a@remote.example> RET=FULL SIZE=5000")).startsWith("552 5.3.4");
            assertThat(client.send("MAIL FROM:<a@remote.example>")).startsWith("250");
            assertThat(client.send("RCPT TO:<alice@example.org>")).startsWith("250");
            assertThat(client.data("Subject: x\r\n\r\nbody\r\n")).startsWith("250");
        }
        assertThat(server.spool.only().envelope().dsn()).isEqualTo(DsnRequest.none());
    }

    @Test
    void acceptsAWholeTransactionPipelinedInOneWrite() throws Exception {
        server = SmtpTestServer.builder(var).start();
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            client.write("MAIL FROM:<a@remote.example>\r\nRCPT TO:<alice@example.org>\r\nRCPT TO:<nobody@example.org>\r\n"
                    + "RCPT TO:<bob@example.org>\r\nDATA\r\nSubject: pipelined\r\n\r\nhello\r\n.\r\n"
                    + "MAIL FROM:<b@remote.example>\r\nRCPT TO:<bob@example.org>\r\nDATA\r\nSubject: second\r\n\r\nx\r\n.\r\nQUIT\r\n");
            assertThat(client.readReply()).startsWith("250 2.1.0");
            assertThat(client.readReply()).startsWith("250 2.1.5");
            assertThat(client.readReply()).startsWith("550 5.1.1");
            assertThat(client.readReply()).startsWith("250 2.1.5");
            assertThat(client.readReply()).startsWith("354");
            assertThat(client.readReply()).startsWith("250 2.0.0 Ok: queued as");
            assertThat(client.readReply()).startsWith("250 2.1.0");
            assertThat(client.readReply()).startsWith("250 2.1.5");
            assertThat(client.readReply()).startsWith("354");
            assertThat(client.readReply()).startsWith("250 2.0.0 Ok: queued as");
            assertThat(client.readReply()).startsWith("221");
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(server.spool.committed).hasSize(2);
        assertThat(server.spool.committed.get(0).envelope().recipients())
                .containsExactly("alice@example.org", "bob@example.org");
        assertThat(server.spool.committed.get(1).text()).endsWith("Subject: second\r\n\r\nx\r\n");
    }

    /**
     * The protocol handlers run on the listener's I/O threads (one wake-up per command instead of three), and
     * there are enough of them that a commit stuck on the disk holds up only the connections of its own thread.
     */
    @Test
    void aCommitStuckOnTheDiskHoldsUpOnlyItsOwnConnection() throws Exception {
        server = SmtpTestServer.builder(var).start();
        CountDownLatch gate = new CountDownLatch(1);
        try (SmtpClient stuck = server.connect(); SmtpClient other = server.connect()) {
            stuck.ehlo();
            stuck.send("MAIL FROM:<a@remote.example>");
            stuck.send("RCPT TO:<alice@example.org>");
            assertThat(stuck.send("DATA")).startsWith("354");
            server.spool.commitGate = gate;
            stuck.write("Subject: stuck\r\n\r\nx\r\n.\r\n");

            other.ehlo();
            other.send("MAIL FROM:<b@remote.example>");
            other.send("RCPT TO:<bob@example.org>");
            assertThat(other.send("DATA")).startsWith("354");
            assertThat(server.spool.committed).isEmpty();
            server.spool.commitGate = null;
            other.write("Subject: other\r\n\r\ny\r\n.\r\n");
            assertThat(other.readReply()).startsWith("250 2.0.0");
            assertThat(server.spool.committed).extracting(FakeSpool.Stored::text)
                    .singleElement().asString().contains("Subject: other");

            gate.countDown();
            assertThat(stuck.readReply()).startsWith("250 2.0.0");
        } finally {
            gate.countDown();
        }
        assertThat(server.spool.committed).hasSize(2);
        assertThat(server.spool.threads).allSatisfy(thread -> assertThat(thread).startsWith("test-smtp-io"));
    }

    @Test
    void answersSpoolFailuresWith451AndKeepsNothing() throws Exception {
        server = SmtpTestServer.builder(var).start();
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            client.send("MAIL FROM:<a@remote.example>");
            client.send("RCPT TO:<alice@example.org>");
            server.spool.failOnCommit = true;
            assertThat(client.data("Subject: t\r\n\r\nx\r\n")).startsWith("451 4.3.0");
            server.spool.failOnCommit = false;
            server.spool.failOnBegin = true;
            client.send("MAIL FROM:<a@remote.example>");
            client.send("RCPT TO:<alice@example.org>");
            assertThat(client.send("DATA")).startsWith("451 4.3.0");
            server.spool.failOnBegin = false;
            assertThat(client.send("RSET")).startsWith("250");
            client.send("MAIL FROM:<a@remote.example>");
            client.send("RCPT TO:<alice@example.org>");
            assertThat(client.data("Subject: t\r\n\r\nx\r\n")).startsWith("250 2.0.0");
        }
        assertThat(server.spool.committed).hasSize(1);
        assertThat(server.spool.aborted.get()).isEqualTo(1);
    }

    @Test
    void authenticatedSessionIsRecordedAndMarkedInReceived() throws Exception {
        server = SmtpTestServer.builder(var).start();
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            String plain = Base64.getEncoder().encodeToString("\0alice@example.org\0alice-secret".getBytes());
            assertThat(client.send("AUTH PLAIN " + plain)).isEqualTo("235 2.7.0 Authentication successful");
            client.send("MAIL FROM:<alice@example.org>");
            assertThat(client.send("RCPT TO:<someone@remote.example>")).startsWith("250");
            assertThat(client.data("Subject: t\r\n\r\nx\r\n")).startsWith("250");
        }
        FakeSpool.Stored stored = server.spool.only();
        assertThat(stored.envelope().session().authUser()).contains("alice@example.org");
        assertThat(stored.text()).contains(" with ESMTPA id ");
    }
}
