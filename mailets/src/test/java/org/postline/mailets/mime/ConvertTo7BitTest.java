package org.postline.mailets.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;

/** The mailet re-encodes 8-bit parts by content and leaves 7-bit parts and messages alone. */
class ConvertTo7BitTest {

    private static byte[] run(String file) throws Exception {
        Mail mail = Corpus.mail(Corpus.load(file));
        Corpus.mailet(new ConvertTo7Bit(), Map.of()).service(mail);
        return Corpus.bytes(mail);
    }

    @Test
    void mostlyAsciiBecomesQuotedPrintableTheRestBase64AndSevenBitPartsKeepTheirBytes() throws Exception {
        MimeEntity before = Corpus.parse(Corpus.load("eight-bit.eml"));
        byte[] result = run("eight-bit.eml");
        assertThat(SevenBitConverter.has8Bit(result)).isFalse();
        MimeEntity after = Corpus.parse(result);
        assertThat(after.content().transferEncoding()).isEqualTo("7bit");
        assertThat(after.children()).extracting(c -> c.content().transferEncoding())
                .containsExactly("quoted-printable", "base64", "7bit");
        for (int i = 0; i < 3; i++) {
            assertThat(TransferEncoding.decode(after.children().get(i)))
                    .isEqualTo(TransferEncoding.decode(before.children().get(i)));
        }
        assertThat(after.children().get(2).bytes()).isEqualTo(before.children().get(2).bytes());
    }

    @Test
    void eightBitInsideAForwardedMessageIsConvertedThere() throws Exception {
        byte[] result = run("forwarded.eml");
        assertThat(SevenBitConverter.has8Bit(result)).isFalse();
        MimeEntity inner = Corpus.parse(result).children().get(1).children().get(0);
        assertThat(inner.children().get(0).content().transferEncoding()).isEqualTo("quoted-printable");
        assertThat(inner.children().get(1).bytes())
                .isEqualTo(Corpus.parse(Corpus.load("forwarded.eml")).children().get(1).children().get(0)
                        .children().get(1).bytes());
    }

    @Test
    void sevenBitMessagesAreUntouched() throws Exception {
        for (String file : new String[] {"nested-mixed.eml", "latin1-qp.eml", "signed.eml", "single-attachment.eml"}) {
            Mail mail = Corpus.mail(Corpus.load(file));
            var before = mail.getMessage();
            Corpus.mailet(new ConvertTo7Bit(), Map.of()).service(mail);
            assertThat(mail.getMessage()).as(file).isSameAs(before);
        }
    }
}
