package org.postline.container.remote;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as mailet parameters write them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 5d},
 * James's spelled-out units ({@code 2 hours}, {@code 10 minutes}) and, as in James, a bare number of
 * milliseconds ({@code 5000}).
 */
public final class Durations {

    private static final Pattern FORM = Pattern.compile("(\\d{1,12})\\s*([a-z]*)");

    private Durations() {
    }

    /** @throws IllegalArgumentException with a message naming the accepted forms */
    public static Duration parse(String text) {
        String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher m = FORM.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not a duration (e.g. 500ms, 30s, 5m, 1h, 5d or"
                    + " milliseconds)");
        }
        long amount = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "", "ms", "msec", "msecs" -> Duration.ofMillis(amount);
            case "s", "sec", "secs", "second", "seconds" -> Duration.ofSeconds(amount);
            case "m", "min", "mins", "minute", "minutes" -> Duration.ofMinutes(amount);
            case "h", "hr", "hrs", "hour", "hours" -> Duration.ofHours(amount);
            case "d", "day", "days" -> Duration.ofDays(amount);
            default -> throw new IllegalArgumentException("\"" + text + "\": unknown unit \"" + m.group(2)
                    + "\" (ms, s, m, h or d)");
        };
    }

    /** Short human form for logs and reports: 90s becomes "1m30s". */
    public static String format(Duration duration) {
        if (duration.isZero() || duration.toMillis() < 1000) {
            return duration.toMillis() + "ms";
        }
        StringBuilder out = new StringBuilder();
        long days = duration.toDays();
        if (days > 0) {
            out.append(days).append('d');
        }
        if (duration.toHoursPart() > 0) {
            out.append(duration.toHoursPart()).append('h');
        }
        if (duration.toMinutesPart() > 0) {
            out.append(duration.toMinutesPart()).append('m');
        }
        if (duration.toSecondsPart() > 0) {
            out.append(duration.toSecondsPart()).append('s');
        }
        return out.toString();
    }
}
