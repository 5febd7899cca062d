package org.postline.store.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postline.store.MutableClock;

class MailIdsTest {

    @Test
    void idsAreShortPrintableUniqueAndOrderedEvenWhenTheClockStands() {
        MailIds ids = new MailIds(new MutableClock(Instant.parse("2025-01-01T00:00:00Z")));
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            made.add(ids.next());
        }
        assertThat(made).allSatisfy(id -> assertThat(id).matches("[0-9A-HJKMNP-TV-Z]{26}"));
        assertThat(new HashSet<>(made)).hasSize(made.size());
        assertThat(made).isSorted();
    }

    @Test
    void nodesMakingIdsInTheSameMillisecondDoNotCollide() {
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        MailIds nodeA = new MailIds(clock);
        MailIds nodeB = new MailIds(clock);
        HashSet<String> made = new HashSet<>();
        for (int i = 0; i < 100_000; i++) {
            made.add(nodeA.next());
            made.add(nodeB.next());
            if (i % 100 == 0) {
                clock.advance(java.time.Duration.ofMillis(1));
            }
        }
        assertThat(made).hasSize(200_000);
    }

    @Test
    void laterTimesGiveLaterIds() {
        MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
        MailIds ids = new MailIds(clock);
        String first = ids.next();
        clock.advance(java.time.Duration.ofMillis(1));
        assertThat(ids.next()).isGreaterThan(first);
        assertThat(new MailIds(clock).next()).as("a new process, a later time").isGreaterThan(first);
    }
}
