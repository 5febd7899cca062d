package org.postline.container.processing;

import java.util.Locale;
import java.util.Optional;

/**
 * What a pair does when its matcher throws ({@code onMatchException}): treat it as no match, as a match of
 * every recipient, propagate to the spool worker, or move the mail to a processor (default {@code error}).
 */
public record MatchFailurePolicy(Kind kind, Optional<String> processor) {

    public enum Kind { NO_MATCH, MATCH_ALL, PROPAGATE, TO_PROCESSOR }

    public static final MatchFailurePolicy DEFAULT = toProcessor("error");

    public static MatchFailurePolicy toProcessor(String processor) {
        return new MatchFailurePolicy(Kind.TO_PROCESSOR, Optional.of(processor));
    }

    public static MatchFailurePolicy parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "nomatch" -> new MatchFailurePolicy(Kind.NO_MATCH, Optional.empty());
            case "matchall" -> new MatchFailurePolicy(Kind.MATCH_ALL, Optional.empty());
            case "propagate" -> new MatchFailurePolicy(Kind.PROPAGATE, Optional.empty());
            default -> toProcessor(value.trim());
        };
    }
}
