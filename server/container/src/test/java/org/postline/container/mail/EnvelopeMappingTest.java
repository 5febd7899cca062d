package org.postline.container.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import javax.mail.Session;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;
import org.junit.jupiter.api.Test;
import org.postline.api.queue.DsnRequest;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.SessionFacts;
import org.postline.container.testkit.TestEnv;

class EnvelopeMappingTest {

    private static final Session SESSION = Session.getInstance(new Properties());

    private static Envelope envelope(Map<String, String> attributes, DsnRequest dsn) {
        return new Envelope("m1", Optional.of("carol@example.net"), List.of("alice@example.org", "bob@example.org"),
                "transport", Optional.of("earlier trouble"), attributes,
                new SessionFacts("192.0.2.10", "client.example.net", "helo.example.net", Optional.of("carol"), true, "submission"),
                dsn);
    }

    private static PostlineMail toMail(Envelope envelope) throws Exception {
        return EnvelopeMapping.toMail(envelope, SourcedMimeMessage.of(SESSION,
                TestEnv.MESSAGE.getBytes(StandardCharsets.US_ASCII)), new Date(1_000));
    }

    @Test
    void everyFieldSurvivesTheRoundTrip() throws Exception {
        String json = AttributeValue.of(List.<AttributeValue<?>>of(AttributeValue.of("x"), AttributeValue.of(3)))
                .toJson().orElseThrow().toString();
        DsnRequest dsn = new DsnRequest(Optional.of("HDRS"), Optional.of("env-1"), Map.of("alice@example.org",
                new DsnRequest.RecipientDsn(Set.of("FAILURE", "DELAY"), Optional.of("rfc822;alice@example.org"))));
        Envelope original = envelope(Map.of("custom.list", json, "broken", "{not json"), dsn);

        PostlineMail mail = toMail(original);
        assertThat(mail.getName()).isEqualTo("m1");
        assertThat(mail.getMaybeSender().asString()).isEqualTo("carol@example.net");
        assertThat(mail.getRecipients()).containsExactly(new MailAddress("alice@example.org"), new MailAddress("bob@example.org"));
        assertThat(mail.getState()).isEqualTo("transport");
        assertThat(mail.getErrorMessage()).isEqualTo("earlier trouble");
        assertThat(mail.getRemoteAddr()).isEqualTo("192.0.2.10");
        assertThat(mail.getRemoteHost()).isEqualTo("client.example.net");
        assertThat(mail.getLastUpdated()).isEqualTo(new Date(1_000));
        assertThat(mail.getAttribute(AttributeName.of("custom.list")).orElseThrow().getValue().value())
                .isEqualTo(List.of(AttributeValue.of("x"), AttributeValue.of(3)));
        assertThat(mail.getAttribute(AttributeName.of("broken"))).isEmpty();
        // The session's authenticated user shows as the attribute SMTPAuthSuccessful reads.
        assertThat(mail.getAttribute(Mail.SMTP_AUTH_USER).orElseThrow().getValue().value()).isEqualTo("carol");
        DsnParameters params = mail.dsnParameters().orElseThrow();
        assertThat(params.getRetParameter()).contains(DsnParameters.Ret.HDRS);
        assertThat(params.getEnvIdParameter().orElseThrow().asString()).isEqualTo("env-1");
        assertThat(params.getRcptParameters().get(new MailAddress("alice@example.org")).getNotifyParameter().orElseThrow())
                .containsExactlyInAnyOrder(DsnParameters.Notify.FAILURE, DsnParameters.Notify.DELAY);

        mail.addSpecificHeaderForRecipient(PerRecipientHeaders.Header.builder().name("Delivered-To")
                .value("alice@example.org").build(), new MailAddress("alice@example.org"));
        Envelope back = EnvelopeMapping.toEnvelope(mail);
        assertThat(back.name()).isEqualTo("m1");
        assertThat(back.sender()).contains("carol@example.net");
        assertThat(back.recipients()).containsExactly("alice@example.org", "bob@example.org");
        assertThat(back.state()).isEqualTo("transport");
        assertThat(back.errorMessage()).contains("earlier trouble");
        assertThat(back.session()).isEqualTo(original.session());
        assertThat(back.dsn()).isEqualTo(dsn);
        assertThat(back.attributes()).containsEntry("broken", "{not json").containsKey("custom.list")
                .containsKey(EnvelopeMapping.PER_RECIPIENT_HEADERS_KEY);

        PostlineMail again = toMail(back);
        assertThat(again.getPerRecipientSpecificHeaders().getHeadersForRecipient(new MailAddress("alice@example.org")))
                .extracting(PerRecipientHeaders.Header::asString).containsExactly("Delivered-To: alice@example.org");
        assertThat(again.attributeNames().map(AttributeName::asString))
                .doesNotContain(EnvelopeMapping.PER_RECIPIENT_HEADERS_KEY);
    }

    @Test
    void changedDsnParametersAndNullSenderAreWrittenBack() throws Exception {
        PostlineMail mail = toMail(envelope(Map.of(), DsnRequest.none()));
        mail.setSender(org.apache.james.core.MaybeSender.nullSender());
        mail.setDsnParameters(DsnParameters.builder().ret(DsnParameters.Ret.FULL)
                .addRcptParameter(new MailAddress("bob@example.org"),
                        DsnParameters.RecipientDsnParameters.of(new MailAddress("orig@example.net")))
                .build().orElseThrow());
        Envelope back = EnvelopeMapping.toEnvelope(mail);
        assertThat(back.sender()).isEmpty();
        assertThat(back.dsn().ret()).contains("FULL");
        assertThat(back.dsn().recipients().get("bob@example.org").orcpt()).contains("rfc822;orig@example.net");
    }

    @Test
    void duplicateCopiesEverythingUnderANewName() throws Exception {
        PostlineMail mail = toMail(envelope(Map.of(), DsnRequest.none()));
        mail.setAttribute(new Attribute(AttributeName.of("a"), AttributeValue.of("b")));
        Mail copy = mail.duplicate();
        assertThat(copy.getName()).isNotEqualTo(mail.getName()).startsWith("m1-");
        assertThat(copy.getState()).isEqualTo("transport");
        assertThat(copy.getAttribute(AttributeName.of("a"))).isEqualTo(mail.getAttribute(AttributeName.of("a")));
        copy.getMessage().setSubject("changed");
        assertThat(mail.getMessage().getSubject()).isEqualTo("Hello");
        assertThat(mail.getMessageSize()).isEqualTo(TestEnv.MESSAGE.length());
        assertThat(copy.getMessageSize()).isGreaterThan(0).isNotEqualTo(TestEnv.MESSAGE.length());
    }
}
