package org.postline.mailets.mime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.mailet.Mail;
import org.apache.mailet.Mailet;
import org.apache.mailet.Matcher;
import org.junit.jupiter.api.Test;
import org.postline.matchers.HasAttachment;
import org.postline.matchers.HasMimeTypeAnywhere;
import org.postline.matchers.HeaderMatches;

/**
 * Seeded random damage to the corpus (flipped bytes, truncation, lost or multiplied boundaries, header floods,
 * deep nesting, part explosions, bare CR/LF) fed to every MIME mailet and matcher: nothing throws, the mail
 * ends in its own state, "error" or the reject processor, and an edited message is never much larger than the
 * input. The number of cases is fixed, so the run is bounded by construction.
 */
class MalformedMimeFuzzTest {

    private static final long SEED = 20_241_122L;
    private static final int MUTANTS_PER_MESSAGE = 20;

    @Test
    void damagedMimeNeverEscapesAMailetOrMatcher() throws Exception {
        List<Mailet> mailets = List.of(
                Corpus.mailet(new AttachmentPolicy(), Map.of("names", "*.exe,*.zip", "types", "image/*",
                        "maxSize", "4K")),
                Corpus.mailet(new AttachmentPolicy(), Map.of("names", "*.pdf", "action", "reject",
                        "rejectProcessor", "refused", "onMalformed", "continue")),
                Corpus.mailet(new Footer(), Map.of("text", "-- \nfooter é", "html", "<p>footer</p>")),
                Corpus.mailet(new EditHeaders(), Map.of("subjectPrefix", "[list]", "removePrefix", "X-",
                        "set.Reply-To", "list@example.org", "onMalformed", "error")),
                Corpus.mailet(new ConvertTo7Bit(), Map.of("maxDepth", "8", "maxParts", "100")));
        List<Matcher> matchers = List.of(
                Corpus.matcher(new HasAttachment(), ""),
                Corpus.matcher(new HasAttachment(), "names=*.exe; maxSize=1K"),
                Corpus.matcher(new HasMimeTypeAnywhere(), "text/html,image/*"),
                Corpus.matcher(new HeaderMatches(), "Subject:(?i)invoice"));
        Random random = new Random(SEED);
        int cases = 0;
        for (String file : Corpus.FILES) {
            byte[] original = Corpus.load(file);
            for (int i = 0; i < MUTANTS_PER_MESSAGE; i++) {
                byte[] mutant = mutate(original, random);
                String label = file + " mutant " + i;
                for (Mailet mailet : mailets) {
                    Mail mail = Corpus.mail(mutant);
                    assertThatCode(() -> mailet.service(mail)).as(label + " " + mailet.getMailetConfig()
                            .getMailetName()).doesNotThrowAnyException();
                    assertThat(mail.getState()).as(label).isIn(Mail.DEFAULT, Mail.ERROR, "refused");
                    assertThat(Corpus.bytes(mail).length).as(label).isLessThanOrEqualTo(4 * mutant.length + 65_536);
                }
                for (Matcher matcher : matchers) {
                    Mail mail = Corpus.mail(mutant);
                    assertThatCode(() -> matcher.match(mail)).as(label).doesNotThrowAnyException();
                }
                cases++;
            }
        }
        assertThat(cases).isEqualTo(Corpus.FILES.size() * MUTANTS_PER_MESSAGE);
    }

    static byte[] mutate(byte[] message, Random random) {
        byte[] result = message;
        int rounds = 1 + random.nextInt(3);
        for (int r = 0; r < rounds; r++) {
            result = switch (random.nextInt(10)) {
                case 0 -> flipBytes(result, random);
                case 1 -> Arrays.copyOf(result, random.nextInt(result.length + 1));
                case 2 -> replaceAll(result, "--", random.nextBoolean() ? "-" : "--\r\n--");
                case 3 -> concat("X-Flood: x\r\n".repeat(500 + random.nextInt(1500)).getBytes(StandardCharsets.US_ASCII),
                        result);
                case 4 -> deepNesting(result, 5 + random.nextInt(60));
                case 5 -> manyParts(result, 50 + random.nextInt(1000));
                case 6 -> replaceAll(result, "\r\n", random.nextBoolean() ? "\n" : "\r");
                case 7 -> replaceAll(result, "\r\n\r\n", "\r\n");
                case 8 -> duplicateSlice(result, random);
                default -> concat(("X-Long: " + "a".repeat(70_000 + random.nextInt(10_000)) + "\r\n")
                        .getBytes(StandardCharsets.US_ASCII), result);
            };
        }
        return result;
    }

    private static byte[] flipBytes(byte[] message, Random random) {
        byte[] copy = message.clone();
        int flips = 1 + random.nextInt(20);
        for (int i = 0; i < flips && copy.length > 0; i++) {
            copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
        }
        return copy;
    }

    private static byte[] duplicateSlice(byte[] message, Random random) {
        if (message.length == 0) {
            return message;
        }
        int from = random.nextInt(message.length);
        int to = from + random.nextInt(Math.min(2000, message.length - from) + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(message, 0, to);
        out.write(message, from, to - from);
        out.write(message, to, message.length - to);
        return out.toByteArray();
    }

    private static byte[] deepNesting(byte[] message, int levels) {
        StringBuilder prefix = new StringBuilder();
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < levels; i++) {
            prefix.append("Content-Type: multipart/mixed; boundary=\"n").append(i).append("\"\r\n\r\n--n").append(i)
                    .append("\r\n");
            suffix.insert(0, "\r\n--n" + i + "--\r\n");
        }
        prefix.append("Content-Type: message/rfc822\r\n\r\n");
        return concat(concat(prefix.toString().getBytes(StandardCharsets.US_ASCII), message),
                suffix.toString().getBytes(StandardCharsets.US_ASCII));
    }

    private static byte[] manyParts(byte[] message, int parts) {
        StringBuilder body = new StringBuilder("Content-Type: multipart/mixed; boundary=\"p\"\r\n\r\n");
        for (int i = 0; i < parts; i++) {
            body.append("--p\r\nContent-Type: application/octet-stream; name=\"f").append(i).append(".exe\"\r\n\r\nx\r\n");
        }
        return concat(body.toString().getBytes(StandardCharsets.US_ASCII), message);
    }

    private static byte[] replaceAll(byte[] message, String target, String replacement) {
        String text = new String(message, StandardCharsets.ISO_8859_1);
        return text.replace(target, replacement).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] result = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, result, a.length, b.length);
        return result;
    }

    @Test
    void theMutationsReallyProduceMalformedMime() throws Exception {
        Random random = new Random(SEED);
        List<Boolean> refused = new ArrayList<>();
        for (String file : Corpus.FILES) {
            for (int i = 0; i < 10; i++) {
                try {
                    Corpus.parse(mutate(Corpus.load(file), random));
                    refused.add(false);
                } catch (MalformedMimeException e) {
                    refused.add(true);
                }
            }
        }
        assertThat(refused).contains(true, false);
    }
}
