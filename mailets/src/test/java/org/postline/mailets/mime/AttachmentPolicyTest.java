package org.postline.mailets.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import javax.mail.MessagingException;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;

/** Forbidden parts are replaced by a note, or the mail is rejected; every other byte stays. */
class AttachmentPolicyTest {

    private static byte[] run(String file, Map<String, String> parameters, Mail[] mailOut) throws Exception {
        Mail mail = Corpus.mail(Corpus.load(file));
        Corpus.mailet(new AttachmentPolicy(), parameters).service(mail);
        if (mailOut != null) {
            mailOut[0] = mail;
        }
        return Corpus.bytes(mail);
    }

    /** The output is the input with exactly [part.start, part.end) replaced. */
    private static byte[] assertOnlyReplaced(byte[] before, byte[] after, MimeEntity part) {
        assertThat(Arrays.copyOfRange(after, 0, part.start())).isEqualTo(Arrays.copyOfRange(before, 0, part.start()));
        int tail = before.length - part.end();
        assertThat(Arrays.copyOfRange(after, after.length - tail, after.length))
                .isEqualTo(Arrays.copyOfRange(before, part.end(), before.length));
        return Arrays.copyOfRange(after, part.start(), after.length - tail);
    }

    @Test
    void anExecutableByNameIsReplacedByANoteAndNothingElseChanges() throws Exception {
        byte[] original = Corpus.load("nested-mixed.eml");
        byte[] result = run("nested-mixed.eml", Map.of("names", "*.exe, *.scr"), null);
        MimeEntity exe = Corpus.parse(original).children().get(1);
        String note = new String(assertOnlyReplaced(original, result, exe), StandardCharsets.US_ASCII);
        assertThat(note).startsWith("Content-Type: text/plain; charset=us-ascii\r\n")
                .contains("\"setup.exe\" (application/x-msdownload, 1040 bytes)", "file name matches *.exe");

        MimeEntity after = Corpus.parse(result);
        assertThat(after.children()).extracting(c -> c.content().mimeType())
                .containsExactly("multipart/alternative", "text/plain", "application/pdf");
        assertThat(after.children().get(0).bytes()).as("alternative + related untouched")
                .isEqualTo(Corpus.parse(original).children().get(0).bytes());
    }

    @Test
    void typesMatchInsideRelatedAndTheAlternativeStaysWhole() throws Exception {
        byte[] original = Corpus.load("nested-mixed.eml");
        byte[] result = run("nested-mixed.eml", Map.of("types", "image/*"), null);
        MimeEntity image = Corpus.parse(original).children().get(0).children().get(1).children().get(1);
        assertOnlyReplaced(original, result, image);
        MimeEntity related = Corpus.parse(result).children().get(0).children().get(1);
        assertThat(related.content().mimeType()).isEqualTo("multipart/related");
        assertThat(related.children()).extracting(c -> c.content().mimeType()).containsExactly("text/html", "text/plain");
    }

    @Test
    void sizeCountsDecodedBytesOfAttachmentsOnly() throws Exception {
        byte[] original = Corpus.load("nested-mixed.eml");
        byte[] result = run("nested-mixed.eml", Map.of("maxSize", "5K"), null);
        MimeEntity pdf = Corpus.parse(original).children().get(2);
        String note = new String(assertOnlyReplaced(original, result, pdf), StandardCharsets.UTF_8);
        assertThat(note).contains("quoted-printable", "larger than 5120 bytes");
        MimeEntity replaced = Corpus.parse(result).children().get(2);
        assertThat(new String(TransferEncoding.decode(replaced), StandardCharsets.UTF_8))
                .contains("\"résumé report.pdf\" (application/pdf, 7215 bytes)");
    }

    @Test
    void anAttachmentInsideAForwardedMessageIsFound() throws Exception {
        byte[] original = Corpus.load("forwarded.eml");
        byte[] result = run("forwarded.eml", Map.of("nameRegex", "\\.(zip|rar)$"), null);
        MimeEntity zip = Corpus.parse(original).children().get(1).children().get(0).children().get(1);
        String note = new String(assertOnlyReplaced(original, result, zip), StandardCharsets.US_ASCII);
        assertThat(note).contains("\"invoice.zip\" (application/zip");
        assertThat(Corpus.parse(result).children().get(1).children().get(0).field("Message-ID").orElseThrow()
                .decodedValue()).isEqualTo("<inner-1@example.net>");
    }

    @Test
    void aWholeMessageThatIsTheAttachmentKeepsItsOtherHeaders() throws Exception {
        byte[] original = Corpus.load("single-attachment.eml");
        byte[] result = run("single-attachment.eml", Map.of("names", "*.EXE"), null);
        String text = new String(result, StandardCharsets.US_ASCII);
        assertThat(text).startsWith("From: someone@example.net\r\nTo: victim@example.org\r\nSubject: your tool\r\n")
                .contains("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n")
                .doesNotContain("Content-Type: application/x-msdownload", "TVqQ");
        assertThat(Corpus.parse(result).content().mimeType()).isEqualTo("text/plain");
        assertThat(result.length).isLessThan(original.length);
    }

    @Test
    void rejectSendsTheMailToTheProcessorWithTheReasonAndKeepsTheMessage() throws Exception {
        Mail[] mail = new Mail[1];
        byte[] result = run("forwarded.eml", Map.of("types", "application/zip", "action", "reject",
                "rejectProcessor", "attachment-refused", "notice", "550 5.7.1 Attachments of this type are refused"),
                mail);
        assertThat(result).isEqualTo(Corpus.load("forwarded.eml"));
        assertThat(mail[0].getState()).isEqualTo("attachment-refused");
        assertThat(mail[0].getErrorMessage()).startsWith("550 5.7.1 Attachments of this type are refused: ")
                .contains("invoice.zip");
    }

    @Test
    void aMessageWithoutForbiddenPartsIsTheSameObjectAndBytes() throws Exception {
        Mail mail = Corpus.mail(Corpus.load("latin1-qp.eml"));
        var before = mail.getMessage();
        Corpus.mailet(new AttachmentPolicy(), Map.of("names", "*.exe")).service(mail);
        assertThat(mail.getMessage()).isSameAs(before);
    }

    @Test
    void malformedMimeGoesToErrorByDefaultOrContinuesWhenAsked() throws Exception {
        byte[] broken = "Content-Type: multipart/mixed; boundary=gone\r\n\r\n--nope\r\n\r\nx.exe\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        Mail strict = Corpus.mail(broken);
        Corpus.mailet(new AttachmentPolicy(), Map.of("names", "*.exe")).service(strict);
        assertThat(strict.getState()).isEqualTo(Mail.ERROR);
        assertThat(strict.getErrorMessage()).contains("malformed MIME", "never occurs");

        Mail lenient = Corpus.mail(broken);
        Corpus.mailet(new AttachmentPolicy(), Map.of("names", "*.exe", "onMalformed", "continue")).service(lenient);
        assertThat(lenient.getState()).isEqualTo(Mail.DEFAULT);
        assertThat(Corpus.bytes(lenient)).isEqualTo(broken);
    }

    @Test
    void badParametersFailAtStartWithTheirName() {
        assertThatThrownBy(() -> Corpus.mailet(new AttachmentPolicy(), Map.of()))
                .isInstanceOf(MessagingException.class).hasMessageContaining("names, nameRegex, types, maxSize");
        assertThatThrownBy(() -> Corpus.mailet(new AttachmentPolicy(), Map.of("names", "*.exe", "action", "reject")))
                .hasMessageContaining("rejectProcessor");
        assertThatThrownBy(() -> Corpus.mailet(new AttachmentPolicy(), Map.of("maxSize", "ten")))
                .hasMessageContaining("maxSize");
        assertThatThrownBy(() -> Corpus.mailet(new AttachmentPolicy(), Map.of("nameRegex", "(")))
                .hasMessageContaining("nameRegex");
        assertThatThrownBy(() -> Corpus.mailet(new AttachmentPolicy(), Map.of("names", "*.exe", "nmaes", "x")))
                .hasMessageContaining("unknown parameter <nmaes>");
        assertThatThrownBy(() -> Corpus.mailet(new AttachmentPolicy(), Map.of("names", "*.exe", "maxDepth", "0")))
                .hasMessageContaining("maxDepth");
    }
}
