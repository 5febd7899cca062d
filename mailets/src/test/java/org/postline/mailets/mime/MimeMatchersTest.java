package org.postline.mailets.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import javax.mail.MessagingException;
import org.apache.mailet.Matcher;
import org.junit.jupiter.api.Test;
import org.postline.matchers.HasAttachment;
import org.postline.matchers.HasMimeTypeAnywhere;
import org.postline.matchers.HeaderMatches;

/** The MIME matchers on the corpus. */
class MimeMatchersTest {

    private static boolean matches(Matcher matcher, String file) throws Exception {
        return !matcher.match(Corpus.mail(Corpus.load(file))).isEmpty();
    }

    @Test
    void hasAttachmentWithoutConditionFindsAnyAttachmentAtAnyDepth() throws Exception {
        Matcher any = Corpus.matcher(new HasAttachment(), "");
        assertThat(matches(any, "forwarded.eml")).isTrue();
        assertThat(matches(any, "nested-mixed.eml")).isTrue();
        assertThat(matches(any, "latin1-qp.eml")).isFalse();
        assertThat(matches(any, "shift-jis.eml")).isFalse();
    }

    @Test
    void hasAttachmentConditionsByNameTypeAndSize() throws Exception {
        assertThat(matches(Corpus.matcher(new HasAttachment(), "names=*.zip"), "forwarded.eml")).isTrue();
        assertThat(matches(Corpus.matcher(new HasAttachment(), "names=*.exe"), "forwarded.eml")).isFalse();
        assertThat(matches(Corpus.matcher(new HasAttachment(), "types=application/pdf; maxSize=1G"),
                "nested-mixed.eml")).isTrue();
        assertThat(matches(Corpus.matcher(new HasAttachment(), "maxSize=7K"), "nested-mixed.eml")).isTrue();
        assertThat(matches(Corpus.matcher(new HasAttachment(), "maxSize=8K"), "nested-mixed.eml")).isFalse();
        assertThat(matches(Corpus.matcher(new HasAttachment(), "nameRegex=^r.sum"), "nested-mixed.eml")).isTrue();
        assertThatThrownBy(() -> Corpus.matcher(new HasAttachment(), "size=1M"))
                .isInstanceOf(MessagingException.class).hasMessageContaining("size=1M");
    }

    @Test
    void hasMimeTypeAnywhereLooksInsideMultipartsAndAttachedMessages() throws Exception {
        assertThat(matches(Corpus.matcher(new HasMimeTypeAnywhere(), "image/png"), "nested-mixed.eml")).isTrue();
        assertThat(matches(Corpus.matcher(new HasMimeTypeAnywhere(), "application/*"), "forwarded.eml")).isTrue();
        assertThat(matches(Corpus.matcher(new HasMimeTypeAnywhere(), "text/html"), "forwarded.eml")).isFalse();
        assertThatThrownBy(() -> Corpus.matcher(new HasMimeTypeAnywhere(), "html")).hasMessageContaining("html");
    }

    @Test
    void headerMatchesOnDecodedValues() throws Exception {
        assertThat(matches(Corpus.matcher(new HeaderMatches(), "Subject:^Réunion"), "nested-mixed.eml")).isTrue();
        assertThat(matches(Corpus.matcher(new HeaderMatches(), "subject:^Fwd:"), "forwarded.eml")).isTrue();
        assertThat(matches(Corpus.matcher(new HeaderMatches(), "X-Mailer:Outlook"), "nested-mixed.eml")).isFalse();
        assertThatThrownBy(() -> Corpus.matcher(new HeaderMatches(), "Subject")).hasMessageContaining("Name:regex");
    }

    @Test
    void headerMatchesGivesUpOnCatastrophicBacktracking() throws Exception {
        byte[] mail = ("Subject: " + "a".repeat(900) + "b\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII);
        assertThat(Corpus.matcher(new HeaderMatches(), "Subject:((a+)+)+$").match(Corpus.mail(mail))).isEmpty();
        assertThat(Corpus.matcher(new HeaderMatches(), "Subject:a+b$").match(Corpus.mail(mail))).isNotEmpty();
    }

    @Test
    void malformedMimeMatchesNothing() throws Exception {
        byte[] broken = "Content-Type: multipart/mixed\r\n\r\n--x\r\nContent-Disposition: attachment\r\n\r\nx\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        assertThat(Corpus.matcher(new HasAttachment(), "").match(Corpus.mail(broken))).isEmpty();
    }
}
