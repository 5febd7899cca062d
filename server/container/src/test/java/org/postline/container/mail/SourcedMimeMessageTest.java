package org.postline.container.mail;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;
import org.postline.container.testkit.TestEnv;

class SourcedMimeMessageTest {

    private static final Session SESSION = Session.getInstance(new Properties());
    private static final byte[] RAW = TestEnv.MESSAGE.getBytes(StandardCharsets.US_ASCII);

    private static String written(MimeMessage message) throws IOException, MessagingException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toString(StandardCharsets.US_ASCII);
    }

    @Test
    void anUntouchedMessageIsWrittenByteForByteWithoutBeingParsed() throws Exception {
        AtomicInteger opens = new AtomicInteger();
        MessageSource counting = new MessageSource() {
            @Override
            public InputStream open() {
                opens.incrementAndGet();
                return new java.io.ByteArrayInputStream(RAW);
            }

            @Override
            public long size() {
                return RAW.length;
            }
        };
        SourcedMimeMessage message = new SourcedMimeMessage(SESSION, counting);
        assertThat(written(message)).isEqualTo(TestEnv.MESSAGE);
        assertThat(opens).hasValue(1);
        assertThat(message.isModified()).isFalse();
    }

    @Test
    void readingHeadersDoesNotChangeTheBytes() throws Exception {
        SourcedMimeMessage message = SourcedMimeMessage.of(SESSION, RAW);
        assertThat(message.getSubject()).isEqualTo("Hello");
        assertThat(message.getContent()).isEqualTo("Hello Alice,\r\nthis line ends in two spaces  \r\nbye\r\n");
        assertThat(written(message)).isEqualTo(TestEnv.MESSAGE);
        assertThat(message.getSize()).isEqualTo("Hello Alice,\r\nthis line ends in two spaces  \r\nbye\r\n".length());
    }

    @Test
    void aHeaderChangeKeepsTheBodyBytesAndTheMessageId() throws Exception {
        SourcedMimeMessage message = SourcedMimeMessage.of(SESSION, RAW);
        message.removeHeader("Bcc");
        message.addHeader("X-Scanned", "yes");
        message.saveChanges();
        String out = written(message);
        assertThat(out).doesNotContain("Bcc:").contains("X-Scanned: yes\r\n")
                .contains("Message-ID: <original@example.net>")
                .endsWith("\r\n\r\nHello Alice,\r\nthis line ends in two spaces  \r\nbye\r\n");
        assertThat(message.isModified()).isTrue();
        assertThat(message.isBodyModified()).isFalse();
    }

    @Test
    void aBodyChangeIsWrittenEvenWithoutSaveChanges() throws Exception {
        SourcedMimeMessage message = SourcedMimeMessage.of(SESSION, RAW);
        message.setText("replaced");
        String out = written(message);
        assertThat(out).contains("Subject: Hello").contains("replaced").doesNotContain("Hello Alice");
        assertThat(message.getMessageID()).isEqualTo("<original@example.net>");
    }

    @Test
    void aMultipartEditedInPlaceIsWrittenAfterSaveChanges() throws Exception {
        MimeMessage built = new MimeMessage(SESSION);
        built.setSubject("parts");
        MimeMultipart parts = new MimeMultipart();
        javax.mail.internet.MimeBodyPart one = new javax.mail.internet.MimeBodyPart();
        one.setText("first part");
        parts.addBodyPart(one);
        built.setContent(parts);
        built.saveChanges();
        ByteArrayOutputStream original = new ByteArrayOutputStream();
        built.writeTo(original);

        SourcedMimeMessage message = SourcedMimeMessage.of(SESSION, original.toByteArray());
        MimeMultipart content = (MimeMultipart) message.getContent();
        javax.mail.internet.MimeBodyPart two = new javax.mail.internet.MimeBodyPart();
        two.setText("added part");
        content.addBodyPart(two);
        message.saveChanges();
        assertThat(written(message)).contains("first part").contains("added part");
    }

    @Test
    void copiesAreIndependent() throws Exception {
        SourcedMimeMessage message = SourcedMimeMessage.of(SESSION, RAW);
        SourcedMimeMessage copy = message.copy();
        copy.setSubject("changed");
        assertThat(message.getSubject()).isEqualTo("Hello");
        SourcedMimeMessage copyOfChanged = copy.copy();
        copy.setSubject("changed again");
        assertThat(copyOfChanged.getSubject()).isEqualTo("changed");
        assertThat(new MimeMessage(message).getSubject()).isEqualTo("Hello");
    }
}
