package org.postline.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.queue.SpooledMail;
import org.postline.container.context.MailSubmitter;
import org.postline.container.mail.PostlineMail;
import org.postline.container.testkit.TestEnv;

/** The mailet context: local checks, postmaster, and every way of sending mail back into the spool. */
class MailetContextTest {

    @TempDir
    Path dir;
    private final TestEnv env = new TestEnv();
    private MailetContainer container;
    private MailetContext context;

    @BeforeEach
    void load() throws Exception {
        container = MailetContainer.load(TestEnv.write(dir, TestEnv.pipeline("<mailet match=\"All\" class=\"Null\"/>")),
                env.environment());
        context = container.mailetContext();
    }

    @AfterEach
    void close() {
        container.close();
    }

    private SpooledMail onlySpooled() {
        assertThat(env.spool.all()).hasSize(1);
        return env.spool.all().get(0);
    }

    @Test
    void localChecksUseTheDirectory() throws Exception {
        assertThat(context.isLocalServer(Domain.of("EXAMPLE.org"))).isTrue();
        assertThat(context.isLocalServer(Domain.of("example.net"))).isFalse();
        assertThat(context.isLocalUser("alice")).isTrue();
        assertThat(context.isLocalUser("alice@example.org")).isTrue();
        assertThat(context.isLocalUser("mallory")).isFalse();
        assertThat(context.isLocalEmail(new MailAddress("bob@example.org"))).isTrue();
        assertThat(context.isLocalEmail(new MailAddress("bob@example.net"))).isFalse();
        assertThat(context.localRecipients(List.of(new MailAddress("bob@example.org"), new MailAddress("x@example.org"))))
                .containsExactly(new MailAddress("bob@example.org"));
        assertThat(context.getPostmaster()).isEqualTo(new MailAddress("postmaster@example.org"));
        context.setAttribute("k", "v");
        assertThat(context.getAttribute("k")).isEqualTo("v");
        assertThat(context.getLogger()).isNotNull();
    }

    @Test
    void sendMailOfAMailKeepsItsStateAndMarksItSentByMailet() throws Exception {
        PostlineMail mail = TestEnv.mail("carol@example.net", "alice@example.org");
        mail.setState("transport");
        mail.setAttribute(new org.apache.mailet.Attribute(org.apache.mailet.AttributeName.of("x"), AttributeValue.of(7)));
        context.sendMail(mail);
        SpooledMail spooled = onlySpooled();
        assertThat(spooled.envelope().state()).isEqualTo("transport");
        assertThat(spooled.envelope().recipients()).containsExactly("alice@example.org");
        assertThat(spooled.envelope().attributes()).containsKeys(Mail.SENT_BY_MAILET_ATTRIBUTE.getName().asString(), "x");
        assertThat(new String(env.spool.content(spooled.id()), StandardCharsets.US_ASCII)).isEqualTo(TestEnv.MESSAGE);
    }

    @Test
    void sendMailWithAStateAndWithADelay() throws Exception {
        context.sendMail(TestEnv.mail("carol@example.net", "alice@example.org"), "relay");
        context.sendMail(TestEnv.mail("carol@example.net", "bob@example.org"), "relay", 1, TimeUnit.HOURS);
        assertThat(env.spool.all()).extracting(s -> s.envelope().state()).containsExactly("relay", "relay");
        // The spool holds the delayed mail back itself: no attribute, no failed attempt.
        assertThat(env.spool.all()).allSatisfy(spooled -> {
            assertThat(spooled.envelope().attributes()).doesNotContainKey(MailSubmitter.NOT_BEFORE.asString());
            assertThat(spooled.failedAttempts()).isZero();
        });
        assertThat(env.spool.readyAt(env.spool.all().get(1).id()))
                .isGreaterThan(System.currentTimeMillis() + TimeUnit.MINUTES.toMillis(59));
        assertThat(env.spool.claim(10)).extracting(s -> s.envelope().recipients().get(0)).containsExactly("alice@example.org");
    }

    @Test
    void sendMailOfAMessageTakesSenderAndRecipientsFromItsHeaders() throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new java.util.Properties()),
                new ByteArrayInputStream(TestEnv.MESSAGE.getBytes(StandardCharsets.US_ASCII)));
        context.sendMail(message);
        SpooledMail spooled = onlySpooled();
        assertThat(spooled.envelope().sender()).contains("carol@example.net");
        assertThat(spooled.envelope().recipients()).containsExactlyInAnyOrder("alice@example.org", "secret@example.org");
        assertThat(spooled.envelope().state()).isEqualTo("root");
    }

    @Test
    void sendMailWithExplicitEnvelope() throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new java.util.Properties()),
                new ByteArrayInputStream(TestEnv.MESSAGE.getBytes(StandardCharsets.US_ASCII)));
        context.sendMail(null, List.of(new MailAddress("bob@example.org")), message, "transport");
        SpooledMail spooled = onlySpooled();
        assertThat(spooled.envelope().sender()).isEmpty();
        assertThat(spooled.envelope().recipients()).containsExactly("bob@example.org");
        assertThat(spooled.envelope().state()).isEqualTo("transport");
    }

    @Test
    void bounceSendsAReportToTheSenderWithTheNullSender() throws Exception {
        PostlineMail mail = TestEnv.mail("carol@example.net", "nobody@example.org");
        context.bounce(mail, "550 no such user");
        SpooledMail spooled = onlySpooled();
        assertThat(spooled.envelope().sender()).isEmpty();
        assertThat(spooled.envelope().recipients()).containsExactly("carol@example.net");
        MimeMessage report = new MimeMessage(Session.getInstance(new java.util.Properties()),
                new ByteArrayInputStream(env.spool.content(spooled.id())));
        assertThat(report.getContentType()).contains("multipart/report").contains("delivery-status");
        assertThat(report.getFrom()[0].toString()).isEqualTo("postmaster@example.org");
        MimeMultipart parts = (MimeMultipart) report.getContent();
        assertThat(parts.getCount()).isEqualTo(3);
        assertThat((String) parts.getBodyPart(0).getContent()).contains("550 no such user").contains("nobody@example.org");
        assertThat(parts.getBodyPart(2).getContentType()).startsWith("message/rfc822");
    }

    @Test
    void aMailWithTheNullSenderIsNeverBounced() throws Exception {
        context.bounce(TestEnv.mail(null, "nobody@example.org"), "whatever");
        assertThat(env.spool.all()).isEmpty();
    }

    @Test
    void aSpoolFailureIsAMessagingException() {
        env.spool.onCommit(() -> {
            throw new org.postline.api.StoreException("disk full", null);
        });
        assertThatThrownBy(() -> context.sendMail(TestEnv.mail("carol@example.net", "alice@example.org")))
                .isInstanceOf(MessagingException.class).hasMessageContaining("disk full");
    }
}
