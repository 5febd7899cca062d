package org.postline.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.mail.Session;
import org.apache.james.jdkim.DKIMVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.DnsConfig;
import org.postline.api.queue.DsnRequest;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.SessionFacts;
import org.postline.container.auth.DkimKeyRecords;
import org.postline.container.auth.DkimKeys;
import org.postline.container.dns.DnsClient;
import org.postline.container.dns.FakeDnsServer;
import org.postline.container.mail.EnvelopeMapping;
import org.postline.container.mail.SourcedMimeMessage;
import org.postline.container.testkit.TestEnv;

/** The shipped pipeline with its DKIMSign pair switched on, as docs/authenticity.md tells: relayed mail is signed. */
class DefaultPipelineSigningTest {

    @TempDir
    Path dir;

    @Test
    void relayedMailFromTheDomainLeavesSignedAndTheSignatureVerifies() throws Exception {
        DkimKeys keys = DkimKeys.generate();
        Path key = keys.writePkcs8(dir, "example.org.pem");
        String shipped = Files.readString(DefaultPipelineTest.SHIPPED);
        String open = "      <mailet match=\"All\" class=\"DKIMSign\">";
        assertThat(shipped).contains(open);
        String enabled = shipped.replace(open, "      -->\n" + open)
                .replaceFirst("(class=\"DKIMSign\">[\\s\\S]*?</mailet>)\\s*-->", "$1")
                .replace("conf/dkim/example.org.pem</privateKeyFile>", key + "</privateKeyFile>");
        Path file = TestEnv.write(dir, enabled);

        TestEnv env = new TestEnv();
        MailetContainer container = MailetContainer.load(file, env.environment());
        String message = "From: Alice <alice@example.org>\r\nTo: dave@example.com\r\nSubject: signed\r\n"
                + "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\nMessage-ID: <s1@example.org>\r\n\r\nHello Dave\r\n";
        try {
            Envelope envelope = new Envelope("out-1", Optional.of("alice@example.org"), List.of("dave@example.com"), "root",
                    Optional.empty(), Map.of(),
                    new SessionFacts("192.0.2.10", "client", "client", Optional.of("alice@example.org"), true, "submission"),
                    DsnRequest.none());
            container.pipeline().process(EnvelopeMapping.toMail(envelope,
                    SourcedMimeMessage.of(Session.getInstance(new Properties()), message.getBytes(StandardCharsets.US_ASCII)),
                    new Date()));
        } finally {
            container.close();
        }
        var outgoing = env.queues.fake("outgoing");
        assertThat(outgoing.all()).hasSize(1);
        byte[] queued = outgoing.content(outgoing.all().get(0).id());
        assertThat(new String(queued, StandardCharsets.US_ASCII)).startsWith("DKIM-Signature:").endsWith(message)
                .contains("d=example.org;", "s=postline;");

        try (FakeDnsServer dns = new FakeDnsServer(Map.of(DkimKeys.keyName("postline", "example.org"),
                List.of(keys.txtRecord("postline", "example.org"))))) {
            DKIMVerifier verifier = new DKIMVerifier(new DkimKeyRecords(
                    new DnsClient(new DnsConfig(List.of(dns.address()), Duration.ofSeconds(2)))));
            assertThat(verifier.verify(new ByteArrayInputStream(queued))).hasSize(1);
        }
    }
}
