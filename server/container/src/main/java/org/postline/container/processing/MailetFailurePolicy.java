package org.postline.container.processing;

import java.util.Locale;
import java.util.Optional;

/**
 * What a pair does when its mailet throws ({@code onMailetException}): ignore and go on, propagate to the
 * spool worker (which retries the whole mail), or move the mail to a processor (default {@code error}).
 */
public record MailetFailurePolicy(Kind kind, Optional<String> processor) {

    public enum Kind { IGNORE, PROPAGATE, TO_PROCESSOR }

    public static final MailetFailurePolicy DEFAULT = toProcessor("error");

    public static MailetFailurePolicy toProcessor(String processor) {
        return new MailetFailurePolicy(Kind.TO_PROCESSOR, Optional.of(processor));
    }

    public static MailetFailurePolicy parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "ignore" -> new MailetFailurePolicy(Kind.IGNORE, Optional.empty());
            case "propagate" -> new MailetFailurePolicy(Kind.PROPAGATE, Optional.empty());
            default -> toProcessor(value.trim());
        };
    }
}
