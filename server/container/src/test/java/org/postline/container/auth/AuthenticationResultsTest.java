package org.postline.container.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import javax.mail.Session;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.Test;
import org.postline.container.mail.MailContent;
import org.postline.container.mail.PostlineMail;
import org.postline.container.mail.SourcedMimeMessage;
import org.postline.container.mailets.AuthenticationResults;

/** The Authentication-Results header written from the recorded results (RFC 8601). */
class AuthenticationResultsTest {

    private static PostlineMail mail(String message) throws Exception {
        return new PostlineMail(PostlineMail.newName(), MaybeSender.of(new MailAddress("bob@example.net")),
                List.of(new MailAddress("alice@example.org")),
                SourcedMimeMessage.of(Session.getInstance(new Properties()), message.getBytes(StandardCharsets.US_ASCII)));
    }

    private static String run(PostlineMail mail) throws Exception {
        AuthenticationResults mailet = new AuthenticationResults();
        mailet.init(FakeMailetConfig.builder().mailetName("AuthenticationResults")
                .mailetContext(FakeMailContext.defaultContext()).setProperty("authservId", "mail.example.org").build());
        mailet.service(mail);
        return new String(MailContent.bytes(mail.getMessage()), StandardCharsets.US_ASCII);
    }

    @Test
    void oneHeaderOnTopWithEveryRecordedResult() throws Exception {
        PostlineMail mail = mail("Received: from x\r\nSubject: hi\r\n\r\nbody\r\n");
        AuthResults.record(mail, AuthResults.SPF, "pass", List.of("spf=pass smtp.mailfrom=bob@example.net"));
        AuthResults.record(mail, AuthResults.DKIM, "pass",
                List.of("dkim=pass header.d=example.net header.s=s1 header.b=abcdEFGH"));
        assertThat(run(mail)).isEqualTo("Authentication-Results: mail.example.org;\r\n"
                + "\tspf=pass smtp.mailfrom=bob@example.net;\r\n"
                + "\tdkim=pass header.d=example.net header.s=s1 header.b=abcdEFGH\r\n"
                + "Received: from x\r\nSubject: hi\r\n\r\nbody\r\n");
    }

    @Test
    void aCheckRunTwiceReplacesItsClausesAndNoCheckMeansNone() throws Exception {
        PostlineMail mail = mail("Subject: hi\r\n\r\nbody\r\n");
        assertThat(run(mail)).startsWith("Authentication-Results: mail.example.org; none\r\nSubject: hi\r\n");

        PostlineMail twice = mail("Subject: hi\r\n\r\nbody\r\n");
        AuthResults.record(twice, AuthResults.SPF, "temperror", List.of("spf=temperror smtp.mailfrom=bob@example.net"));
        AuthResults.record(twice, AuthResults.SPF, "pass", List.of("spf=pass smtp.mailfrom=bob@example.net"));
        assertThat(AuthResults.clauses(twice)).containsExactly("spf=pass smtp.mailfrom=bob@example.net");
    }

    @Test
    void resultsClaimingOurNameFromOutsideAreRemovedOthersKept() throws Exception {
        PostlineMail mail = mail("Authentication-Results: mail.example.org; dkim=pass header.d=bank.example\r\n"
                + "Authentication-Results: MAIL.EXAMPLE.ORG (forged);\r\n spf=pass\r\n"
                + "Authentication-Results: mx.example.net; spf=fail smtp.mailfrom=bob@example.net\r\n"
                + "Subject: hi\r\n\r\nbody\r\n");
        AuthResults.record(mail, AuthResults.DKIM, "none", List.of("dkim=none (no signatures)"));
        String out = run(mail);
        assertThat(out).startsWith("Authentication-Results: mail.example.org; dkim=none (no signatures)\r\n");
        assertThat(out).doesNotContain("bank.example", "forged");
        assertThat(out).contains("Authentication-Results: mx.example.net; spf=fail smtp.mailfrom=bob@example.net\r\n"
                + "Subject: hi\r\n");
    }
}
