package org.postline.protocols.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ReceivedDatesTest {

    /** A clock the test moves by hand. */
    private static final class ManualClock extends Clock {
        private final ZoneId zone;
        private volatile Instant now;

        ManualClock(Instant now, ZoneId zone) {
            this.now = now;
            this.zone = zone;
        }

        @Override
        public ZoneId getZone() {
            return zone;
        }

        @Override
        public Clock withZone(ZoneId other) {
            return new ManualClock(now, other);
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    @Test
    void formatsTheRfc5322DateInTheClocksZone() {
        ManualClock clock = new ManualClock(Instant.parse("2026-03-05T07:08:09.250Z"), ZoneOffset.ofHoursMinutes(-3, -30));
        assertThat(new ReceivedDates(clock).now()).isEqualTo("Thu, 5 Mar 2026 03:38:09 -0330");
    }

    @Test
    void followsTheClockAcrossASecondBoundaryAndMidnight() {
        ManualClock clock = new ManualClock(Instant.parse("2026-12-31T23:59:59.001Z"), ZoneOffset.UTC);
        ReceivedDates dates = new ReceivedDates(clock);
        assertThat(dates.now()).isEqualTo("Thu, 31 Dec 2026 23:59:59 +0000");
        clock.now = Instant.parse("2026-12-31T23:59:59.999Z");
        assertThat(dates.now()).isEqualTo("Thu, 31 Dec 2026 23:59:59 +0000");
        clock.now = Instant.parse("2027-01-01T00:00:00.000Z");
        assertThat(dates.now()).isEqualTo("Fri, 1 Jan 2027 00:00:00 +0000");
        clock.now = Instant.parse("2026-12-31T23:59:58.500Z");
        assertThat(dates.now()).isEqualTo("Thu, 31 Dec 2026 23:59:58 +0000");
    }

    @Test
    void matchesAFreshFormatFromManyThreadsAsTheSecondsChange() throws Exception {
        ManualClock clock = new ManualClock(Instant.parse("2026-06-01T12:00:00Z"), ZoneId.of("Europe/Paris"));
        ReceivedDates dates = new ReceivedDates(clock);
        DateTimeFormatter format = DateTimeFormatter.ofPattern("EEE, d MMM yyyy HH:mm:ss Z", Locale.US);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            for (int second = 0; second < 50; second++) {
                Instant now = Instant.parse("2026-06-01T12:00:00Z").plusSeconds(second);
                clock.now = now;
                String expected = format.format(ZonedDateTime.ofInstant(now, clock.getZone()));
                List<Future<String>> results = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    results.add(threads.submit(dates::now));
                }
                for (Future<String> result : results) {
                    assertThat(result.get(10, TimeUnit.SECONDS)).isEqualTo(expected);
                }
            }
        } finally {
            threads.shutdownNow();
            assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
