package org.postline.mailets.mime;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.mailet.Mail;
import org.apache.mailet.Mailet;
import org.apache.mailet.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.postline.matchers.HasAttachment;
import org.postline.matchers.HasMimeTypeAnywhere;
import org.postline.matchers.HeaderMatches;

/**
 * Jazzer fuzzing of the MIME mailets and matchers: one input is one message, run through every MIME mailet
 * (each on a fresh mail) and every MIME matcher. Nothing throws, the mail ends in its own state, "error" or
 * the reject processor, and an edited message is never much larger than the input. Plain runs replay the
 * seed corpus ({@code MimeMailetsFuzzTestInputs/}: the .eml test messages, deep nesting, many parts);
 * {@code JAZZER_FUZZ=1} fuzzes.
 */
class MimeMailetsFuzzTest {

    private static final AtomicLong INPUTS = new AtomicLong();

    private static List<Mailet> mailets;
    private static List<Matcher> matchers;

    @BeforeAll
    static void configure() throws Exception {
        mailets = List.of(
                Corpus.mailet(new AttachmentPolicy(), Map.of("names", "*.exe,*.zip", "types", "image/*",
                        "maxSize", "4K")),
                Corpus.mailet(new AttachmentPolicy(), Map.of("names", "*.pdf", "action", "reject",
                        "rejectProcessor", "refused", "onMalformed", "continue")),
                Corpus.mailet(new Footer(), Map.of("text", "-- \nfooter é", "html", "<p>footer</p>")),
                Corpus.mailet(new EditHeaders(), Map.of("subjectPrefix", "[list]", "removePrefix", "X-",
                        "set.Reply-To", "list@example.org", "onMalformed", "error")),
                Corpus.mailet(new ConvertTo7Bit(), Map.of("maxDepth", "8", "maxParts", "100")));
        matchers = List.of(
                Corpus.matcher(new HasAttachment(), ""),
                Corpus.matcher(new HasAttachment(), "names=*.exe; maxSize=1K"),
                Corpus.matcher(new HasMimeTypeAnywhere(), "text/html,image/*"),
                Corpus.matcher(new HeaderMatches(), "Subject:(?i)invoice"));
    }

    @AfterAll
    static void report() {
        System.out.println("MIME fuzzing: " + INPUTS.get() + " inputs played");
    }

    @FuzzTest(maxDuration = "2m")
    void mimeMessage(byte[] message) throws Exception {
        INPUTS.incrementAndGet();
        for (Mailet mailet : mailets) {
            String label = mailet.getMailetConfig().getMailetName();
            Mail mail = Corpus.mail(message);
            mailet.service(mail);
            assertThat(mail.getState()).as(label).isIn(Mail.DEFAULT, Mail.ERROR, "refused");
            assertThat(Corpus.bytes(mail).length).as(label).isLessThanOrEqualTo(4 * message.length + 65_536);
        }
        for (Matcher matcher : matchers) {
            assertThat(matcher.match(Corpus.mail(message))).as(matcher.getMatcherConfig().getMatcherName()).isNotNull();
        }
    }
}
