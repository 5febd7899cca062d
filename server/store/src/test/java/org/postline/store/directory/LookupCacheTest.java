package org.postline.store.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LookupCacheTest {

    @Test
    void keepsAnAnswerUntilInvalidated() {
        LookupCache<String, Boolean> cache = new LookupCache<>(10);
        AtomicInteger reads = new AtomicInteger();
        assertThat(cache.get("a", () -> reads.incrementAndGet() > 0)).isTrue();
        assertThat(cache.get("a", () -> reads.incrementAndGet() < 0)).isTrue();
        assertThat(reads).hasValue(1);

        cache.invalidate();
        assertThat(cache.get("a", () -> reads.incrementAndGet() < 0)).isFalse();
        assertThat(reads).hasValue(2);
    }

    @Test
    void doesNotKeepAnAnswerReadWhileAWriteHappened() {
        LookupCache<String, String> cache = new LookupCache<>(10);
        // The database answered "old", but a write committed and invalidated before the answer was stored.
        assertThat(cache.get("k", () -> {
            cache.invalidate();
            return "old";
        })).isEqualTo("old");
        assertThat(cache.get("k", () -> "new")).isEqualTo("new");
    }

    @Test
    void staysWithinItsBoundAndKeepsNothingWhenDisabled() {
        LookupCache<Integer, Integer> bounded = new LookupCache<>(3);
        for (int i = 0; i < 10; i++) {
            int value = i;
            bounded.get(i, () -> value);
        }
        AtomicInteger reads = new AtomicInteger();
        assertThat(bounded.get(0, () -> reads.incrementAndGet() + 100)).as("dropped when the bound was hit").isEqualTo(101);

        LookupCache<String, String> disabled = LookupCache.forDatabase(false);
        disabled.get("k", () -> "first");
        assertThat(disabled.get("k", () -> "second")).isEqualTo("second");
    }
}
