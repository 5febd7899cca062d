package org.postline.protocols.smtp;

import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The date of our {@code Received:} headers (RFC 5322 date-time, seconds precision), formatted at most once
 * per second: one instance per listener, shared by its handler threads.
 */
final class ReceivedDates {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);

    private record Stamp(long epochSecond, String text) {
    }

    private final Clock clock;
    private final AtomicReference<Stamp> last = new AtomicReference<>(new Stamp(Long.MIN_VALUE, ""));

    ReceivedDates(Clock clock) {
        this.clock = clock;
    }

    String now() {
        long second = clock.instant().getEpochSecond();
        Stamp stamp = last.get();
        if (stamp.epochSecond() != second) {
            // Racing threads may each format the same second; the result is the same text either way.
            stamp = new Stamp(second, FORMAT.format(ZonedDateTime.ofInstant(Instant.ofEpochSecond(second), clock.getZone())));
            last.set(stamp);
        }
        return stamp.text();
    }
}
