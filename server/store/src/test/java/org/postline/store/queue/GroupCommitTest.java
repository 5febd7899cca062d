package org.postline.store.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.StoreException;
import org.postline.api.config.StorageConfig;
import org.postline.store.MutableClock;
import org.postline.store.Store;
import org.postline.store.StoreFixture;
import org.postline.store.jdbc.Jdbc;

/** Inserts of many threads committed as one group, and what a bad row in a group does. */
class GroupCommitTest {

    @TempDir
    Path dir;

    /** Derby here; the PostgreSQL twin overrides it. */
    StorageConfig config(Path directory) {
        return StoreFixture.config(directory);
    }

    Store store;
    Jdbc jdbc;
    GroupCommit commits;

    @BeforeEach
    void open() {
        store = Store.open(config(dir), "example.org", new MutableClock(Instant.parse("2025-03-01T10:00:00Z")));
        jdbc = new Jdbc(store.dataSource());
        jdbc.inTransaction("create the test table", c -> {
            try (PreparedStatement create = c.prepareStatement(
                    "CREATE TABLE grouped (id INT NOT NULL PRIMARY KEY, label VARCHAR(20) NOT NULL)")) {
                create.executeUpdate();
            }
            return null;
        });
        commits = new GroupCommit(jdbc, "insert a test row");
    }

    @AfterEach
    void close() {
        store.close();
    }

    private GroupCommit.Insert row(int id, String label, CountDownLatch holdUntil) {
        return row(id, label, new CountDownLatch(1), holdUntil);
    }

    /** {@code entered} counts down once the row is being bound, inside its group's transaction. */
    private GroupCommit.Insert row(int id, String label, CountDownLatch entered, CountDownLatch holdUntil) {
        return new GroupCommit.Insert() {
            @Override
            public String sql() {
                return "INSERT INTO grouped (id, label) VALUES (?, ?)";
            }

            @Override
            public void bind(PreparedStatement insert) throws SQLException {
                entered.countDown();
                if (holdUntil != null) {
                    try {
                        assertThat(holdUntil.await(30, TimeUnit.SECONDS)).isTrue();
                    } catch (InterruptedException e) {
                        throw new SQLException(e);
                    }
                }
                insert.setInt(1, id);
                insert.setString(2, label);
            }
        };
    }

    private Map<Integer, String> rows() {
        return jdbc.inTransaction("read the test rows", c -> {
            Map<Integer, String> found = new ConcurrentHashMap<>();
            try (PreparedStatement query = c.prepareStatement("SELECT id, label FROM grouped");
                 ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    found.put(rows.getInt(1), rows.getString(2));
                }
            }
            return found;
        });
    }

    /** Starts one insert per thread; the map gets each thread's outcome ("ok" or the failure's message). */
    private Thread start(GroupCommit.Insert insert, String name, Map<String, String> outcomes) {
        Thread thread = new Thread(() -> {
            try {
                commits.insert(insert);
                outcomes.put(name, "ok");
            } catch (StoreException e) {
                outcomes.put(name, "failed: " + e.getMessage());
            }
        }, name);
        thread.start();
        return thread;
    }

    private void awaitQueued(int count) throws InterruptedException {
        for (int i = 0; i < 3_000 && commits.queued() < count; i++) {
            Thread.sleep(10);
        }
        assertThat(commits.queued()).isEqualTo(count);
    }

    @Test
    void insertsQueuedBehindACommitAreCommittedTogetherAndEachCallerSeesItsRow() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Map<String, String> outcomes = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch firstInGroup = new CountDownLatch(1);
        threads.add(start(row(1, "first", firstInGroup, release), "first", outcomes));
        // The first thread leads a group of one and holds it open.
        assertThat(firstInGroup.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(commits.queued()).isZero();
        for (int i = 2; i <= 9; i++) {
            threads.add(start(row(i, "row " + i, null), "t" + i, outcomes));
        }
        awaitQueued(8);
        assertThat(rows()).isEmpty();
        release.countDown();
        for (Thread thread : threads) {
            thread.join(30_000);
            assertThat(thread.isAlive()).isFalse();
        }
        assertThat(outcomes).hasSize(9).allSatisfy((name, outcome) -> assertThat(outcome).isEqualTo("ok"));
        assertThat(rows()).hasSize(9).containsEntry(1, "first").containsEntry(9, "row 9");
    }

    @Test
    void aBadRowFailsOnlyItsOwnCallerAndLeavesNothing() throws Exception {
        commits.insert(row(100, "already there", null));
        CountDownLatch release = new CountDownLatch(1);
        Map<String, String> outcomes = new ConcurrentHashMap<>();
        List<Thread> threads = new ArrayList<>();
        CountDownLatch firstInGroup = new CountDownLatch(1);
        threads.add(start(row(1, "first", firstInGroup, release), "first", outcomes));
        assertThat(firstInGroup.await(30, TimeUnit.SECONDS)).isTrue();
        threads.add(start(row(2, "before", null), "before", outcomes));
        awaitQueued(1);
        threads.add(start(row(100, "duplicate", null), "duplicate", outcomes));
        awaitQueued(2);
        threads.add(start(row(3, "after", null), "after", outcomes));
        awaitQueued(3);
        release.countDown();
        for (Thread thread : threads) {
            thread.join(30_000);
            assertThat(thread.isAlive()).isFalse();
        }
        assertThat(outcomes).containsEntry("first", "ok").containsEntry("before", "ok").containsEntry("after", "ok");
        assertThat(outcomes.get("duplicate")).startsWith("failed: could not insert a test row");
        assertThat(rows()).containsOnly(Map.entry(1, "first"), Map.entry(2, "before"), Map.entry(3, "after"),
                Map.entry(100, "already there"));
    }

    @Test
    void aFailedGroupOfOneThrowsAndTheNextInsertStillCommits() {
        commits.insert(row(7, "seven", null));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> commits.insert(row(7, "again", null)))
                .isInstanceOf(StoreException.class).hasMessageStartingWith("could not insert a test row");
        commits.insert(row(8, "eight", null));
        assertThat(rows()).containsOnly(Map.entry(7, "seven"), Map.entry(8, "eight"));
    }
}
