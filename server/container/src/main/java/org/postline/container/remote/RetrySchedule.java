package org.postline.container.remote;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * When to try a deferred mail again: the n-th retry waits the n-th delay of the list, the last delay repeating
 * once the list is used up; at most {@code maxRetries} retries (empty: as many as the maximum age allows).
 * The list is written as in James's {@code delayTime}: {@code "5m, 15m, 30m, 1h, 2h, 4h"}, {@code "5000, 100000"}
 * (milliseconds) or with a multiplier, {@code "3*1h"} standing for three delays of an hour.
 */
public record RetrySchedule(List<Duration> delays, OptionalInt maxRetries) {

    public static final String DEFAULT_DELAYS = "5m, 15m, 30m, 1h, 2h, 4h";

    public RetrySchedule {
        delays = List.copyOf(delays);
        if (delays.isEmpty()) {
            throw new IllegalArgumentException("the retry schedule needs at least one delay");
        }
    }

    /** @throws IllegalArgumentException naming the entry that does not parse */
    public static RetrySchedule parse(String delayTime, OptionalInt maxRetries) {
        List<Duration> delays = new ArrayList<>();
        for (String entry : delayTime.split(",")) {
            String item = entry.trim();
            if (item.isEmpty()) {
                continue;
            }
            int times = 1;
            int star = item.indexOf('*');
            if (star >= 0) {
                try {
                    times = Integer.parseInt(item.substring(0, star).trim());
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("\"" + item + "\": the multiplier before '*' is not a number");
                }
                if (times < 1 || times > 1000) {
                    throw new IllegalArgumentException("\"" + item + "\": the multiplier must be 1 to 1000");
                }
                item = item.substring(star + 1).trim();
            }
            Duration delay = Durations.parse(item);
            if (delay.isNegative() || delay.isZero()) {
                throw new IllegalArgumentException("\"" + entry.trim() + "\": a retry delay must be positive");
            }
            for (int i = 0; i < times; i++) {
                delays.add(delay);
            }
        }
        if (maxRetries.isPresent() && maxRetries.getAsInt() < 0) {
            throw new IllegalArgumentException("maxRetries must not be negative");
        }
        return new RetrySchedule(delays, maxRetries);
    }

    /** The wait before retry number {@code retriesSoFar + 1}, or empty when no retry is left. */
    public java.util.Optional<Duration> delayAfter(int retriesSoFar) {
        if (maxRetries.isPresent() && retriesSoFar >= maxRetries.getAsInt()) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(delays.get(Math.min(retriesSoFar, delays.size() - 1)));
    }

    /** The shortest delay, which sets how often the queue is polled for mail that became due. */
    public Duration shortest() {
        return delays.stream().min(Duration::compareTo).orElseThrow();
    }
}
