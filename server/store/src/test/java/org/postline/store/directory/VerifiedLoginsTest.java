package org.postline.store.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class VerifiedLoginsTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final VerifiedLogins verified = new VerifiedLogins(Duration.ofNanos(100), 2, now::get);

    @Test
    void matchesOnlyTheSameUserPasswordAndStoredHash() {
        assertThat(verified.matches("a@example.org", "hash-1", "pw".toCharArray())).isFalse();
        verified.remember("a@example.org", "hash-1", "pw".toCharArray());

        assertThat(verified.matches("a@example.org", "hash-1", "pw".toCharArray())).isTrue();
        assertThat(verified.matches("a@example.org", "hash-1", "pW".toCharArray())).isFalse();
        assertThat(verified.matches("a@example.org", "hash-1", "pw ".toCharArray())).isFalse();
        assertThat(verified.matches("b@example.org", "hash-1", "pw".toCharArray())).isFalse();
        assertThat(verified.matches("a@example.org", "hash-2", "pw".toCharArray())).as("password changed").isFalse();
        assertThat(verified.matches("a@example.org", "hash-1", "pw".toCharArray()))
                .as("an entry met with another stored hash is dropped").isFalse();
    }

    @Test
    void forgetsAfterItsLifetimeOrWhenTold() {
        verified.remember("a@example.org", "hash", "pw".toCharArray());
        now.addAndGet(100);
        assertThat(verified.matches("a@example.org", "hash", "pw".toCharArray())).isTrue();
        now.addAndGet(1);
        assertThat(verified.matches("a@example.org", "hash", "pw".toCharArray())).isFalse();

        verified.remember("a@example.org", "hash", "pw".toCharArray());
        verified.forget("a@example.org");
        assertThat(verified.matches("a@example.org", "hash", "pw".toCharArray())).isFalse();
    }

    @Test
    void holdsAtMostItsCapacityMakingRoomFromExpiredEntries() {
        verified.remember("a@example.org", "hash", "pw".toCharArray());
        verified.remember("b@example.org", "hash", "pw".toCharArray());
        verified.remember("c@example.org", "hash", "pw".toCharArray());
        assertThat(verified.matches("c@example.org", "hash", "pw".toCharArray())).as("full").isFalse();
        assertThat(verified.matches("a@example.org", "hash", "pw".toCharArray())).isTrue();

        now.addAndGet(101);
        verified.remember("c@example.org", "hash", "pw".toCharArray());
        assertThat(verified.matches("c@example.org", "hash", "pw".toCharArray())).isTrue();
    }

    @Test
    void keysAreDrawnPerInstanceSoEntriesMeanNothingElsewhere() {
        VerifiedLogins other = new VerifiedLogins(Duration.ofNanos(100), 2, now::get);
        verified.remember("a@example.org", "hash", "pw".toCharArray());
        assertThat(other.matches("a@example.org", "hash", "pw".toCharArray())).isFalse();
    }
}
