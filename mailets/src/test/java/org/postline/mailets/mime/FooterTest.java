package org.postline.mailets.mime;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;

/** Footers land in the body parts, in their charset and transfer encoding; the rest keeps its bytes. */
class FooterTest {

    private static byte[] run(String file, Map<String, String> parameters) throws Exception {
        Mail mail = Corpus.mail(Corpus.load(file));
        Corpus.mailet(new Footer(), parameters).service(mail);
        return Corpus.bytes(mail);
    }

    private static String decoded(MimeEntity part, Charset charset) {
        return new String(TransferEncoding.decode(part), charset);
    }

    @Test
    void quotedPrintableLatin1GetsAFooterInLatin1AndQuotedPrintable() throws Exception {
        byte[] original = Corpus.load("latin1-qp.eml");
        byte[] result = run("latin1-qp.eml", Map.of("text", "-- \nListe « équipe »: https://example.org/liste"));
        MimeEntity before = Corpus.parse(original);
        MimeEntity after = Corpus.parse(result);
        assertThat(Arrays.copyOfRange(result, 0, after.bodyStart()))
                .as("headers byte for byte").isEqualTo(Arrays.copyOfRange(original, 0, before.bodyStart()));
        assertThat(new String(result, StandardCharsets.US_ASCII)).contains("=E9quipe");
        assertThat(decoded(after, StandardCharsets.ISO_8859_1)).isEqualTo(decoded(before, StandardCharsets.ISO_8859_1)
                + "-- \r\nListe « équipe »: https://example.org/liste\r\n");
    }

    @Test
    void plainAndHtmlOfAnAlternativeInsideMixedBothGetTheirFooterAndTheRestStays() throws Exception {
        byte[] original = Corpus.load("nested-mixed.eml");
        byte[] result = run("nested-mixed.eml", Map.of("text", "Sent through the team list",
                "html", "<p>Sent through the <b>team</b> list</p>"));
        MimeEntity before = Corpus.parse(original);
        MimeEntity after = Corpus.parse(result);
        MimeEntity plain = after.children().get(0).children().get(0);
        MimeEntity html = after.children().get(0).children().get(1).children().get(0);
        assertThat(decoded(plain, StandardCharsets.ISO_8859_1)).endsWith("Amélie\r\nSent through the team list\r\n");
        assertThat(decoded(html, StandardCharsets.UTF_8))
                .contains("<p>La réunion aura lieu jeudi.")
                .endsWith("<p>Sent through the <b>team</b> list</p>\r\n</BODY>\r\n</html>\r\n");
        assertThat(html.content().transferEncoding()).isEqualTo("base64");
        // the image, the exe, the pdf, the epilogue and the top headers: the same bytes
        MimeEntity imageBefore = before.children().get(0).children().get(1).children().get(1);
        MimeEntity imageAfter = after.children().get(0).children().get(1).children().get(1);
        assertThat(imageAfter.bytes()).isEqualTo(imageBefore.bytes());
        for (int i = 1; i < 3; i++) {
            assertThat(after.children().get(i).bytes()).isEqualTo(before.children().get(i).bytes());
        }
        assertThat(Arrays.copyOfRange(result, 0, after.bodyStart()))
                .isEqualTo(Arrays.copyOfRange(original, 0, before.bodyStart()));
        int tail = original.length - before.children().get(2).end();
        assertThat(Arrays.copyOfRange(result, result.length - tail, result.length))
                .isEqualTo(Arrays.copyOfRange(original, original.length - tail, original.length));
    }

    @Test
    void shiftJisPartsStayShiftJisIn8bitAndBase64() throws Exception {
        Charset sjis = Charset.forName("Shift_JIS");
        byte[] original = Corpus.load("shift-jis.eml");
        byte[] result = run("shift-jis.eml", Map.of("text", "このメールは配信リストから送られました。"));
        MimeEntity before = Corpus.parse(original);
        MimeEntity after = Corpus.parse(result);
        MimeEntity plain = after.children().get(0);
        assertThat(plain.content().charset()).contains("Shift_JIS");
        assertThat(plain.content().transferEncoding()).isEqualTo("8bit");
        assertThat(decoded(plain, sjis)).isEqualTo(decoded(before.children().get(0), sjis)
                + "このメールは配信リストから送られました。\r\n");
        MimeEntity html = after.children().get(1);
        assertThat(html.content().transferEncoding()).isEqualTo("base64");
        assertThat(decoded(html, sjis)).contains("<div>このメールは配信リストから送られました。</div>\r\n</body>");
        assertThat(html.fields()).extracting(HeaderField::rawValue)
                .isEqualTo(before.children().get(1).fields().stream().map(HeaderField::rawValue).toList());
    }

    @Test
    void aSevenBitPartGivenNonAsciiBecomesQuotedPrintableInUtf8() throws Exception {
        byte[] result = run("forwarded.eml", Map.of("text", "Liste « équipe »"));
        MimeEntity after = Corpus.parse(result);
        MimeEntity plain = after.children().get(0);
        assertThat(plain.content().transferEncoding()).isEqualTo("quoted-printable");
        assertThat(plain.content().charset()).contains("UTF-8");
        assertThat(decoded(plain, StandardCharsets.UTF_8)).endsWith("Bob\r\nListe « équipe »");
        assertThat(after.children().get(1).bytes()).as("the forwarded message gets no footer")
                .isEqualTo(Corpus.parse(Corpus.load("forwarded.eml")).children().get(1).bytes());
    }

    @Test
    void footerTextLosesTheIndentationOfItsXmlElementButKeepsTrailingSpaces() {
        assertThat(Footer.unindent("\n      -- \n      Team list\n        indented\n    ")).isEqualTo("-- \nTeam list\n  indented");
        assertThat(Footer.unindent("-- \n      Team list")).as("first line already trimmed").isEqualTo("-- \nTeam list");
    }

    @Test
    void aFooterTheCharsetCannotHoldTurnsThePartIntoUtf8AndKeepsTheOtherParameters() throws Exception {
        MimeEntity before = Corpus.parse(Corpus.load("latin1-qp.eml"));
        MimeEntity after = Corpus.parse(run("latin1-qp.eml", Map.of("text", "Abonnement : 5 €")));
        assertThat(after.content().charset()).contains("UTF-8");
        assertThat(after.content().typeParameters()).containsEntry("format", "flowed");
        assertThat(after.content().transferEncoding()).isEqualTo("quoted-printable");
        assertThat(decoded(after, StandardCharsets.UTF_8))
                .isEqualTo(decoded(before, StandardCharsets.ISO_8859_1) + "Abonnement : 5 €\r\n");
    }

    @Test
    void aSignedMessageIsLeftAlone() throws Exception {
        Mail mail = Corpus.mail(Corpus.load("signed.eml"));
        var before = mail.getMessage();
        Corpus.mailet(new Footer(), Map.of("text", "footer")).service(mail);
        assertThat(mail.getMessage()).isSameAs(before);
        assertThat(Corpus.bytes(mail)).isEqualTo(Corpus.load("signed.eml"));
    }
}
