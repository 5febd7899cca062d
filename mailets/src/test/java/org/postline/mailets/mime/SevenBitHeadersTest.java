package org.postline.mailets.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeUtility;
import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.codec.DecoderUtil;
import org.junit.jupiter.api.Test;

/** Raw UTF-8 in header fields becomes encoded words where the syntax has room for them; nothing else moves. */
class SevenBitHeadersTest {

    private static final SevenBitConverter CONVERTER = new SevenBitConverter(MimeLimits.DEFAULTS);
    private static final String BODY = "\r\nbody\r\n";

    /** UTF-8 text as the raw bytes of a message, one char per byte. */
    private static String raw(String text) {
        return new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }

    private static String convert(String message) throws Exception {
        byte[] converted = CONVERTER.convert(message.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(SevenBitConverter.has8Bit(converted)).as("still 8-bit").isFalse();
        return new String(converted, StandardCharsets.ISO_8859_1);
    }

    @Test
    void aDisplayNameBecomesAnEncodedWordAndTheOtherFieldsKeepTheirBytes() throws Exception {
        String sevenBit = "Message-ID: <m@b>\r\nTo:  bob@example.org,\r\n\tcarol@example.org\r\nX-Odd:  a\t b \r\n";
        String converted = convert(raw("From: Jöhn Dœ <john@example.org>\r\n") + sevenBit + BODY);

        assertThat(converted).isEqualTo("From: =?UTF-8?B?SsO2aG4gRMWT?= <john@example.org>\r\n" + sevenBit + BODY);
        InternetAddress from = (InternetAddress) parse(converted).getFrom()[0];
        assertThat(from.getPersonal()).isEqualTo("Jöhn Dœ");
        assertThat(from.getAddress()).isEqualTo("john@example.org");
    }

    @Test
    void quotedNamesGroupsAndCommentsInAddressLists() throws Exception {
        String converted = convert(raw("Cc: \"Dœ, Jöhn\" <john@example.org>, plain@example.org (Zoë),"
                + " Équipe: ann@example.org;\r\n") + BODY);

        assertThat(converted).isEqualTo("Cc: =?UTF-8?B?RMWTLCBKw7Zobg==?= <john@example.org>, plain@example.org\r\n"
                + " (=?ISO-8859-1?B?Wm/r?=), =?ISO-8859-1?Q?=C9quipe?=: ann@example.org;\r\n" + BODY);
        MimeMessage parsed = parse(converted);
        InternetAddress[] cc = (InternetAddress[]) parsed.getRecipients(MimeMessage.RecipientType.CC);
        assertThat(cc[0].getPersonal()).isEqualTo("Dœ, Jöhn");
        assertThat(cc[0].getAddress()).isEqualTo("john@example.org");
        assertThat(cc[1].getAddress()).isEqualTo("plain@example.org");
        // As mime4j reads it (JavaMail's decodeText wants spaces around a word, even next to a parenthesis).
        assertThat(DecoderUtil.decodeEncodedWords(MimeUtility.unfold(parsed.getHeader("Cc", null)), DecodeMonitor.SILENT))
                .contains("(Zoë)", "Équipe:");
    }

    @Test
    void anyUnstructuredFieldIsEncodedAndFolded() throws Exception {
        String converted = convert(raw("X-Comment: déjà vu " + "word ".repeat(20) + "\r\nSubject: ok\r\n") + BODY);

        assertThat(converted).startsWith("X-Comment: =?").endsWith("\r\nSubject: ok\r\n" + BODY);
        assertThat(converted.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
        assertThat(MimeUtility.decodeText(MimeUtility.unfold(parse(converted).getHeader("X-Comment", null))))
                .isEqualTo("déjà vu " + "word ".repeat(19) + "word");
    }

    @Test
    void anEightBitAddressOrStructuredFieldHasNo7BitFormAndIsLeftAsItIs() throws Exception {
        String message = raw("To: jöhn@example.org\r\nReferences: <é@b>\r\n") + BODY;
        byte[] converted = CONVERTER.convert(message.getBytes(StandardCharsets.ISO_8859_1));
        assertThat(new String(converted, StandardCharsets.ISO_8859_1)).isEqualTo(message);
    }

    private static MimeMessage parse(String message) throws Exception {
        return new MimeMessage(null, new ByteArrayInputStream(message.getBytes(StandardCharsets.ISO_8859_1)));
    }
}
