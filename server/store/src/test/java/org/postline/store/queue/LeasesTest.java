package org.postline.store.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postline.api.queue.SpooledMail;
import org.postline.store.StoreFixture;

class LeasesTest {

    private final Leases leases = new Leases();

    @Test
    void aHeldMailIsNotClaimedAgainAndTheQueryAsksForEnoughRowsToSkipIt() {
        assertThat(leases.claim(1, limit -> rows("a", "b"))).extracting(SpooledMail::id).containsExactly("a");
        List<Integer> asked = new ArrayList<>();
        assertThat(leases.claim(1, limit -> {
            asked.add(limit);
            return rows("a", "b");
        })).extracting(SpooledMail::id).containsExactly("b");
        assertThat(asked).containsExactly(2);
    }

    @Test
    void aLeaseThatEndsWhileAQueryRunsIsNotHandedOutByThatQuery() {
        leases.claim(1, limit -> rows("a"));
        // The query read row a before its completion was committed; the lease ends before the rows are taken.
        assertThat(leases.claim(5, limit -> {
            leases.end("a");
            return rows("a", "b");
        })).extracting(SpooledMail::id).containsExactly("b");
        assertThat(leases.claim(5, limit -> rows("a")))
                .as("a query that starts after the end sees the row as it is now (released: ready again)")
                .extracting(SpooledMail::id).containsExactly("a");
    }

    @Test
    void aFailedQueryLeavesTheLeasesAsTheyWere() {
        leases.claim(1, limit -> rows("a"));
        assertThatThrownBy(() -> leases.claim(1, limit -> {
            leases.end("a");
            throw new IllegalStateException("database down");
        })).isInstanceOf(IllegalStateException.class);
        assertThat(leases.claim(1, limit -> rows("a"))).extracting(SpooledMail::id).containsExactly("a");
    }

    private static List<SpooledMail> rows(String... ids) {
        List<SpooledMail> rows = new ArrayList<>();
        for (String id : ids) {
            rows.add(new SpooledMail(id, StoreFixture.envelope(id, "a@example.org"), 1, Instant.EPOCH, 0, ""));
        }
        return rows;
    }
}
