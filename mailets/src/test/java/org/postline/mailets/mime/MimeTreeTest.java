package org.postline.mailets.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The parser finds the structure of real-shaped mail and refuses what is past the limits. */
class MimeTreeTest {

    @Test
    void nestedMultipartsAndTheirTypes() throws Exception {
        MimeEntity root = Corpus.parse(Corpus.load("nested-mixed.eml"));
        assertThat(root.content().mimeType()).isEqualTo("multipart/mixed");
        assertThat(root.children()).extracting(c -> c.content().mimeType())
                .containsExactly("multipart/alternative", "application/x-msdownload", "application/pdf");
        MimeEntity alternative = root.children().get(0);
        assertThat(alternative.children()).extracting(c -> c.content().mimeType())
                .containsExactly("text/plain", "multipart/related");
        assertThat(alternative.children().get(1).children()).extracting(c -> c.content().mimeType())
                .containsExactly("text/html", "image/png");
        assertThat(root.children().get(2).content().fileName()).contains("résumé report.pdf");
        assertThat(root.field("Subject").orElseThrow().decodedValue()).isEqualTo("Réunion de l'équipe");
    }

    @Test
    void anAttachedMessageIsOneChildWhoseStructureIsParsed() throws Exception {
        MimeEntity root = Corpus.parse(Corpus.load("forwarded.eml"));
        MimeEntity attached = root.children().get(1);
        assertThat(attached.content().mimeType()).isEqualTo("message/rfc822");
        MimeEntity inner = attached.children().get(0);
        assertThat(inner.field("Message-ID").orElseThrow().decodedValue()).isEqualTo("<inner-1@example.net>");
        assertThat(inner.children().get(1).content().fileName()).contains("invoice.zip");
    }

    @Test
    void partSpansExcludeTheLineBreakBeforeTheDelimiter() throws Exception {
        byte[] message = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\none\r\n--b\r\n\r\ntwo\r\n--b--\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        MimeEntity root = Corpus.parse(message);
        assertThat(root.children()).extracting(c -> new String(c.body(), StandardCharsets.US_ASCII))
                .containsExactly("one", "two");
    }

    @Test
    void deepNestingIsRefused() {
        StringBuilder message = new StringBuilder();
        for (int i = 0; i < 30; i++) {
            message.append("Content-Type: multipart/mixed; boundary=\"b").append(i).append("\"\r\n\r\n--b").append(i)
                    .append("\r\n");
        }
        message.append("\r\nleaf\r\n");
        assertThatThrownBy(() -> Corpus.parse(message.toString().getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(MalformedMimeException.class).hasMessageContaining("nested deeper than 20");
    }

    @Test
    void tooManyPartsAreRefused() {
        StringBuilder message = new StringBuilder("Content-Type: multipart/mixed; boundary=b\r\n\r\n");
        for (int i = 0; i < 600; i++) {
            message.append("--b\r\n\r\npart ").append(i).append("\r\n");
        }
        message.append("--b--\r\n");
        assertThatThrownBy(() -> Corpus.parse(message.toString().getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(MalformedMimeException.class).hasMessageContaining("more than 500 parts");
    }

    @Test
    void tooManyHeaderFieldsAreRefused() {
        String message = "X-A: 1\r\n".repeat(1500) + "\r\nbody\r\n";
        assertThatThrownBy(() -> Corpus.parse(message.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(MalformedMimeException.class);
    }

    @Test
    void aMultipartWhoseBoundaryNeverOccursIsMalformed() {
        String message = "Content-Type: multipart/mixed; boundary=missing\r\n\r\n--other\r\n\r\nx\r\n";
        assertThatThrownBy(() -> Corpus.parse(message.getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOf(MalformedMimeException.class).hasMessageContaining("never occurs");
    }

    @Test
    void aTruncatedLastPartRunsToTheEnd() throws Exception {
        String message = "Content-Type: multipart/mixed; boundary=b\r\n\r\n--b\r\n\r\none\r\n--b\r\nContent-Type: text/x";
        MimeEntity root = Corpus.parse(message.getBytes(StandardCharsets.US_ASCII));
        assertThat(root.children()).hasSize(2);
        assertThat(root.children().get(1).end()).isEqualTo(message.length());
    }
}
