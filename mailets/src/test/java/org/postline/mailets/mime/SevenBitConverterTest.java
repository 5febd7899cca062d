package org.postline.mailets.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import org.junit.jupiter.api.Test;

/** 8-bit parts become quoted-printable or base64; everything else stays as it was. */
class SevenBitConverterTest {

    private static final SevenBitConverter CONVERTER = new SevenBitConverter(MimeLimits.DEFAULTS);

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static MimeMessage parse(byte[] message) throws Exception {
        return new MimeMessage(null, new ByteArrayInputStream(message));
    }

    @Test
    void aSevenBitMessageIsLeftAlone() throws Exception {
        byte[] message = bytes("Subject: x\r\nMessage-ID: <a@b>\r\n\r\nplain ascii\r\n");
        assertThat(SevenBitConverter.has8Bit(message)).isFalse();
        assertThat(CONVERTER.convert(message)).isSameAs(message);
    }

    @Test
    void aSinglePartWithUndeclared8BitTextBecomesQuotedPrintable() throws Exception {
        byte[] message = bytes("Subject: x\r\nMessage-ID: <single@b>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=ISO-8859-1\r\n\r\ncaf\u00e9 cr\u00e8me\r\n");
        byte[] converted = CONVERTER.convert(message);
        assertThat(SevenBitConverter.has8Bit(converted)).isFalse();
        MimeMessage parsed = parse(converted);
        assertThat(parsed.getMessageID()).isEqualTo("<single@b>");
        assertThat(parsed.getEncoding()).isEqualTo("quoted-printable");
        assertThat(parsed.getContent()).isEqualTo("café crème\r\n");
    }

    @Test
    void anAttachedMessageIsConvertedInsideAndStaysUnencoded() throws Exception {
        byte[] message = bytes("Subject: fwd\r\nMessage-ID: <outer@b>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: multipart/mixed; boundary=\"o\"\r\n\r\n"
                + "--o\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
                + "--o\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + "Subject: inner\r\nMessage-ID: <inner@b>\r\nMIME-Version: 1.0\r\n"
                + "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
                + "L'\u00c3\u00a9t\u00c3\u00a9 est chaud cette ann\u00c3\u00a9e\r\n"
                + "--o--\r\n");
        byte[] converted = CONVERTER.convert(message);
        assertThat(SevenBitConverter.has8Bit(converted)).isFalse();
        MimeMessage outer = parse(converted);
        assertThat(outer.getMessageID()).isEqualTo("<outer@b>");
        assertThat(outer.getHeader("Date")).as("no header added").isNull();
        MimeMultipart parts = (MimeMultipart) outer.getContent();
        assertThat(parts.getBodyPart(0).getContent()).isEqualTo("see attached");
        assertThat(parts.getBodyPart(1).getHeader("Content-Transfer-Encoding")).containsExactly("7bit");
        MimeMessage inner = parse(parts.getBodyPart(1).getInputStream().readAllBytes());
        assertThat(inner.getMessageID()).isEqualTo("<inner@b>");
        assertThat(inner.getEncoding()).isEqualTo("quoted-printable");
        assertThat(new String(inner.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("L'été est chaud cette année");
    }
}
