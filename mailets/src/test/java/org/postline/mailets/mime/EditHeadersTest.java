package org.postline.mailets.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import javax.mail.MessagingException;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.Test;

/** Header edits touch only the fields named; values are encoded, never injected. */
class EditHeadersTest {

    private static String run(String file, Map<String, String> parameters) throws Exception {
        Mail mail = Corpus.mail(Corpus.load(file));
        Corpus.mailet(new EditHeaders(), parameters).service(mail);
        byte[] result = Corpus.bytes(mail);
        byte[] original = Corpus.load(file);
        int body = MimeTree.bodyOffset(original);
        assertThat(Arrays.copyOfRange(result, MimeTree.bodyOffset(result), result.length)).as("body byte for byte")
                .isEqualTo(Arrays.copyOfRange(original, body, original.length));
        return new String(result, 0, MimeTree.bodyOffset(result), StandardCharsets.ISO_8859_1);
    }

    @Test
    void removeByNameAndPrefixSetAndAddLeaveTheOtherLinesAsTheyWere() throws Exception {
        String header = run("nested-mixed.eml", Map.of("remove", "Return-Path", "removePrefix", "X-",
                "set.Message-ID", "<replaced@example.org>", "add.X-Scanned", "yes"));
        String original = new String(Corpus.load("nested-mixed.eml"), 0,
                MimeTree.bodyOffset(Corpus.load("nested-mixed.eml")), StandardCharsets.ISO_8859_1);
        String expected = original.replace("Return-Path: <amelie@example.net>\r\n", "")
                .replace("X-Mailer: Example Mail 5.2\r\n", "X-Scanned: yes\r\n")
                .replace("Message-ID: <20241112091355.4711@example.net>", "Message-ID: <replaced@example.org>");
        assertThat(header).isEqualTo(expected);
    }

    @Test
    void setReplacesEveryOccurrenceInPlaceOfTheFirstAndAddsWhenAbsent() throws Exception {
        String header = run("forwarded.eml", Map.of("set.to", "list@example.org", "set.X-List", "team"));
        assertThat(header).contains("From: Bob Example <bob@example.com>\r\nTo: list@example.org\r\n")
                .endsWith("X-List: team\r\n\r\n");
    }

    @Test
    void nonAsciiValuesAreEncodedWordsAndTheSubjectPrefixIsNotRepeated() throws Exception {
        String header = run("latin1-qp.eml", Map.of("subjectPrefix", "[équipe]", "add.X-Note", "vérifié"));
        assertThat(header).contains("Subject: =?ISO-8859-1?Q?[=E9quipe]_Caf=E9_cr=E8me?=\r\n")
                .contains("X-Note: =?ISO-8859-1?Q?v=E9rifi=E9?=\r\n");
        byte[] once = header.getBytes(StandardCharsets.ISO_8859_1);
        Mail again = Corpus.mail((header + "body\r\n").getBytes(StandardCharsets.ISO_8859_1));
        Corpus.mailet(new EditHeaders(), Map.of("subjectPrefix", "[équipe]")).service(again);
        assertThat(Corpus.bytes(again)).startsWith(Arrays.copyOf(once, once.length - 2));
    }

    @Test
    void aSubjectSetAndPrefixedIsOneField() throws Exception {
        String header = run("signed.eml", Map.of("set.Subject", "weekly news", "subjectPrefix", "[list]"));
        assertThat(header).contains("Subject: [list] weekly news\r\n");
        assertThat(header.split("Subject:", -1)).hasSize(2);
    }

    @Test
    void aMissingSubjectGetsThePrefixAlone() throws Exception {
        Mail mail = Corpus.mail("From: a@example.org\r\n\r\nhi\r\n".getBytes(StandardCharsets.US_ASCII));
        Corpus.mailet(new EditHeaders(), Map.of("subjectPrefix", "[list]")).service(mail);
        assertThat(new String(Corpus.bytes(mail), StandardCharsets.US_ASCII))
                .isEqualTo("From: a@example.org\r\nSubject: [list]\r\n\r\nhi\r\n");
    }

    @Test
    void longValuesAreFoldedAtSpaces() throws Exception {
        String value = "word ".repeat(40).trim();
        String header = run("signed.eml", Map.of("add.X-Long", value));
        String field = header.substring(header.indexOf("X-Long:"));
        assertThat(field.split("\r\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(78));
        assertThat(field.replace("\r\n", "").trim()).isEqualTo("X-Long: " + value);
    }

    @Test
    void lineBreaksInParametersAreRefusedAtStart() {
        assertThatThrownBy(() -> Corpus.mailet(new EditHeaders(), Map.of("add.X-A", "ok\r\nBcc: victim@example.org")))
                .isInstanceOf(MessagingException.class).hasMessageContaining("add.X-A")
                .hasMessageContaining("line break");
        assertThatThrownBy(() -> Corpus.mailet(new EditHeaders(), Map.of("subjectPrefix", "[a]\nBcc: victim@example.org")))
                .hasMessageContaining("subjectPrefix").hasMessageContaining("line break");
        assertThatThrownBy(() -> Corpus.mailet(new EditHeaders(), Map.of("set.Bad Name", "x")))
                .hasMessageContaining("not a header name");
        assertThatThrownBy(() -> Corpus.mailet(new EditHeaders(), Map.of()))
                .hasMessageContaining("nothing to do");
    }
}
