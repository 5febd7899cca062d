package org.postline.mailets.mime;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import javax.mail.MessagingException;
import org.apache.mailet.Mail;
import org.apache.mailet.Mailet;
import org.apache.mailet.Matcher;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.apache.mailet.base.test.FakeMatcherConfig;

/** The test messages under src/test/resources/mime, and mails, mailets and matchers made from them. */
final class Corpus {

    static final List<String> FILES = List.of("nested-mixed.eml", "forwarded.eml", "shift-jis.eml", "latin1-qp.eml",
            "signed.eml", "eight-bit.eml", "single-attachment.eml");

    private Corpus() {
    }

    static byte[] load(String file) {
        try (InputStream in = Corpus.class.getResourceAsStream("/mime/" + file)) {
            if (in == null) {
                throw new IllegalArgumentException("no test message " + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Mail mail(byte[] message) throws MessagingException {
        return FakeMail.builder().name("m1").sender("sender@example.net").recipients("rcpt@example.org")
                .mimeMessage(new RewrittenMessage(message, MimeTree.bodyOffset(message))).state(Mail.DEFAULT).build();
    }

    static <T extends Mailet> T mailet(T mailet, Map<String, String> parameters) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName(mailet.getClass().getSimpleName())
                .mailetContext(FakeMailContext.defaultContext());
        parameters.forEach(config::setProperty);
        mailet.init(config.build());
        return mailet;
    }

    static <T extends Matcher> T matcher(T matcher, String condition) throws MessagingException {
        matcher.init(FakeMatcherConfig.builder().matcherName(matcher.getClass().getSimpleName()).condition(condition)
                .mailetContext(FakeMailContext.defaultContext()).build());
        return matcher;
    }

    /** The mail's message as it would be written out. */
    static byte[] bytes(Mail mail) throws Exception {
        return RewrittenMessage.bytesOf(mail.getMessage());
    }

    static MimeEntity parse(byte[] message) throws MalformedMimeException {
        return MimeTree.parse(message, MimeLimits.DEFAULTS);
    }
}
