package org.postline.app.admin;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.postline.api.queue.Envelope;

/** How the mail commands print envelope fields: one token each, so a listing line splits on spaces. */
final class MailLines {

    /** Shown for an absent value. */
    static final String NONE = "-";

    private MailLines() {
    }

    /** UTC to the second: 2025-01-31T09:15:02Z. */
    static String time(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** The address, or {@code <>} for the null sender. */
    static String sender(Envelope envelope) {
        return envelope.sender().filter(s -> !s.isEmpty()).orElse("<>");
    }

    /** Comma-separated, no spaces; "-" when there are none. */
    static String recipients(Envelope envelope) {
        return envelope.recipients().isEmpty() ? NONE : String.join(",", envelope.recipients());
    }

    /** The first non-blank line, trimmed; "-" when there is none. */
    static String firstLine(Optional<String> text) {
        return text.flatMap(t -> t.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst()).orElse(NONE);
    }

    /** Every line of a text (for multi-line error messages); empty when there is no text. */
    static List<String> lines(Optional<String> text) {
        return text.map(t -> t.lines().map(String::stripTrailing).filter(l -> !l.isEmpty()).toList()).orElse(List.of());
    }

    /** "1 mail", "2 mails". */
    static String mails(long count) {
        return count + (count == 1 ? " mail" : " mails");
    }
}
