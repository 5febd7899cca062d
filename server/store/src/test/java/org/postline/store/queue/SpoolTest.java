package org.postline.store.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.StoreException;
import org.postline.api.config.StorageConfig;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.Spool;
import org.postline.api.queue.SpooledMail;
import org.postline.store.MutableClock;
import org.postline.store.Store;
import org.postline.store.StoreFixture;

class SpoolTest {

    @TempDir
    Path dir;

    /** Derby here; the PostgreSQL twin of this test overrides it. */
    StorageConfig config(Path directory) {
        return StoreFixture.config(directory);
    }

    final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T10:00:00Z"));
    Store store;
    Spool spool;

    @BeforeEach
    void open() {
        reopen();
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void reopen() {
        if (store != null) {
            store.close();
        }
        store = Store.open(config(dir), "example.org", clock);
        spool = store.spool();
    }

    @Test
    void mailIsInvisibleUntilCommitAndThenDurable() throws IOException {
        Spool.Writer writer = spool.begin(StoreFixture.envelope("m1", "a@example.org"));
        writer.content().write("Subject: x\r\n\r\nbody\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(spool.claim(10)).isEmpty();
        assertThat(spool.size()).isZero();
        assertThat(files("spool")).isEmpty();

        List<String> committed = new ArrayList<>();
        spool.onCommit(() -> committed.add("called"));
        String id = writer.commit();
        writer.close();

        assertThat(id).matches("[0-9A-Z]{26}");
        assertThat(committed).containsExactly("called");
        assertThat(spool.size()).isEqualTo(1);
        assertThat(files("spool")).as("small content lives in the row").isEmpty();
        assertThat(files("tmp")).isEmpty();
        List<SpooledMail> claimed = spool.claim(10);
        assertThat(claimed).hasSize(1);
        SpooledMail mail = claimed.get(0);
        assertThat(mail.id()).isEqualTo(id);
        assertThat(mail.envelope()).isEqualTo(StoreFixture.envelope("m1", "a@example.org"));
        assertThat(mail.size()).isEqualTo(20);
        assertThat(mail.stored()).isEqualTo(clock.instant());
        assertThat(mail.failedAttempts()).isZero();
        assertThat(mail.lastFailure()).isEmpty();
        assertThatThrownBy(writer::commit).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void abortedOrAbandonedWritersLeaveNothing() throws IOException {
        Spool.Writer aborted = spool.begin(StoreFixture.envelope("m1", "a@example.org"));
        aborted.content().write(new byte[100_000]);
        aborted.abort();
        assertThatThrownBy(aborted::commit).isInstanceOf(IllegalStateException.class);
        try (Spool.Writer abandoned = spool.begin(StoreFixture.envelope("m2", "a@example.org"))) {
            abandoned.content().write(new byte[10]);
        }
        assertThat(files("tmp")).isEmpty();
        assertThat(files("spool")).isEmpty();
        assertThat(spool.size()).isZero();
        assertThat(spool.claim(10)).isEmpty();
    }

    @Test
    void contentIsKeptByteForByte() throws IOException {
        byte[] content = new byte[300_000];
        new Random(42).nextBytes(content);
        byte[] tricky = "a\rb\nc\r\n.\r\n\n.\n\r\u00e9".getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(tricky, 0, content, 0, tricky.length);
        for (int i = 0; i < 256; i++) {
            content[100 + i] = (byte) i;
        }
        String id;
        try (Spool.Writer writer = spool.begin(StoreFixture.envelope("m", "a@example.org"))) {
            OutputStream out = writer.content();
            out.write(content, 0, 1000);
            out.write(content[1000]);
            out.write(content, 1001, content.length - 1001);
            out.close(); // closing the stream must not lose the content nor prevent the commit
            id = writer.commit();
        }
        try (InputStream in = spool.open(id)) {
            assertThat(in.readAllBytes()).isEqualTo(content);
        }
        assertThat(spool.claim(1).get(0).size()).isEqualTo(content.length);
    }

    @Test
    void claimsAreExclusiveOldestFirstAndCompleteRemovesMail() throws IOException {
        String first = commit("m1");
        clock.advance(Duration.ofSeconds(1));
        String second = commit("m2");
        clock.advance(Duration.ofSeconds(1));
        String third = commit("m3");

        assertThat(spool.claim(2)).extracting(SpooledMail::id).containsExactly(first, second);
        assertThat(spool.claim(5)).extracting(SpooledMail::id).containsExactly(third);
        assertThat(spool.claim(5)).isEmpty();
        assertThat(spool.claim(0)).isEmpty();

        spool.complete(first);
        assertThat(spool.size()).isEqualTo(2);
        assertThatThrownBy(() -> spool.open(first)).isInstanceOf(StoreException.class).hasMessageContaining(first);
        spool.complete(first); // a second completion is harmless
        assertThat(spool.size()).isEqualTo(2);
        assertThat(spool.claim(5)).as("the others are still claimed").isEmpty();
    }

    @Test
    void completeAllRemovesABatchInOneStepWithItsFilesAndLeases() throws IOException {
        String small = commit("m1");
        clock.advance(Duration.ofSeconds(1));
        String large;
        try (Spool.Writer writer = spool.begin(StoreFixture.envelope("m2", "rcpt@example.org"))) {
            writer.content().write(new byte[200 * 1024]);
            large = writer.commit();
        }
        clock.advance(Duration.ofSeconds(1));
        String kept = commit("m3");
        assertThat(spool.claim(3)).hasSize(3);

        spool.completeAll(List.of(small, large, "no-such-id"));
        assertThat(spool.size()).isEqualTo(1);
        assertThat(files("spool")).doesNotContain(large);
        assertThatThrownBy(() -> spool.open(large)).isInstanceOf(StoreException.class);
        spool.completeAll(List.of(small, large)); // again: harmless
        assertThat(spool.size()).isEqualTo(1);

        reopen();
        assertThat(spool.claim(5)).extracting(SpooledMail::id).containsExactly(kept);
    }

    /** A batch larger than one DELETE's chunk of ids, with repeats and unknown ids, removes exactly its mails. */
    @Test
    void completeAllRemovesExactlyTheBatchOverSeveralChunks() throws IOException {
        List<String> done = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < 75; i++) {
            (i % 15 == 7 ? kept : done).add(commit("m" + i));
            clock.advance(Duration.ofMillis(10));
        }
        assertThat(spool.claim(100)).hasSize(75);

        List<String> batch = new ArrayList<>(done);
        batch.add(done.get(0));
        batch.add("no-such-id");
        batch.add(done.get(done.size() - 1));
        spool.completeAll(batch);
        assertThat(spool.size()).isEqualTo(kept.size());

        reopen();
        assertThat(spool.size()).isEqualTo(kept.size());
        assertThat(spool.claim(100)).extracting(SpooledMail::id).containsExactlyElementsOf(kept);
    }

    @Test
    void releaseCountsTheFailureKeepsTheReasonAndDelaysDurably() throws IOException {
        String id = commit("m1");
        assertThat(spool.claim(1)).hasSize(1);

        spool.release(id, "mailet X threw: boom", 60_000);
        assertThat(spool.claim(1)).as("not before the delay").isEmpty();
        assertThat(spool.size()).isEqualTo(1);

        reopen();
        assertThat(spool.claim(1)).as("the delay survives a restart").isEmpty();
        clock.advance(Duration.ofSeconds(60));
        SpooledMail again = spool.claim(1).get(0);
        assertThat(again.id()).isEqualTo(id);
        assertThat(again.failedAttempts()).isEqualTo(1);
        assertThat(again.lastFailure()).isEqualTo("mailet X threw: boom");

        spool.release(id, "second", 0);
        SpooledMail third = spool.claim(1).get(0);
        assertThat(third.failedAttempts()).isEqualTo(2);
        assertThat(third.lastFailure()).isEqualTo("second");
    }

    @Test
    void everyEnvelopeFieldSurvivesTheSpoolAndARestart() throws IOException {
        Envelope envelope = EnvelopeCodecTest.full();
        String id;
        try (Spool.Writer writer = spool.begin(envelope)) {
            writer.content().write('x');
            id = writer.commit();
        }
        assertThat(spool.claim(1).get(0).envelope()).isEqualTo(envelope);
        reopen();
        SpooledMail mail = spool.claim(1).get(0);
        assertThat(mail.id()).isEqualTo(id);
        assertThat(mail.envelope()).isEqualTo(envelope);
        assertThat(mail.envelope().sender()).isEmpty();
        assertThat(mail.envelope().recipients()).containsExactly(
                "b@example.org", "a@example.org", "Quoted \"x y\"@example.org");
    }

    @Test
    void aRestartMakesClaimedMailReadyAgainAndKeepsCommittedMail() throws IOException {
        String claimedThenCrashed = commit("m1");
        String waiting = commit("m2");
        assertThat(spool.claim(1)).extracting(SpooledMail::id).containsExactly(claimedThenCrashed);
        plantOrphan("spool", "ORPHAN");
        Files.writeString(dir.resolve("blobs/tmp/blob-1.tmp"), "half written");

        reopen();

        assertThat(spool.size()).isEqualTo(2);
        assertThat(spool.claim(10)).extracting(SpooledMail::id).containsExactly(claimedThenCrashed, waiting);
        assertThat(files("spool")).as("the orphan is gone").isEmpty();
        assertThat(files("tmp")).isEmpty();
        try (InputStream in = spool.open(waiting)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("content of m2");
        }
    }

    @Test
    void aFailingListenerDoesNotUndoTheCommit() throws IOException {
        AtomicInteger calls = new AtomicInteger();
        spool.onCommit(() -> {
            throw new IllegalStateException("listener bug");
        });
        spool.onCommit(calls::incrementAndGet);
        String id = commit("m1");
        assertThat(calls).hasValue(1);
        assertThat(spool.claim(1)).extracting(SpooledMail::id).containsExactly(id);
    }

    @Test
    void concurrentCommitsFromSixteenThreadsAllLand() throws Exception {
        int threads = 16;
        int perThread = 20;
        List<Thread> workers = new ArrayList<>();
        List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            int thread = t;
            workers.add(new Thread(() -> {
                try {
                    for (int i = 0; i < perThread; i++) {
                        ids.add(commit("t" + thread + "-" + i));
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        workers.forEach(Thread::start);
        for (Thread worker : workers) {
            worker.join(60_000);
            assertThat(worker.isAlive()).isFalse();
        }
        assertThat(failures).isEmpty();
        assertThat(ids).hasSize(threads * perThread).doesNotHaveDuplicates();
        assertThat(spool.size()).isEqualTo(threads * perThread);

        List<SpooledMail> all = spool.claim(1_000);
        assertThat(all).extracting(SpooledMail::id).containsExactlyInAnyOrderElementsOf(ids);
        for (SpooledMail mail : all) {
            try (InputStream in = spool.open(mail.id())) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII))
                        .isEqualTo("content of " + mail.envelope().name());
            }
        }
    }

    @Test
    void concurrentWorkersEachGetEveryMailExactlyOnce() throws Exception {
        List<String> committed = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            committed.add(commit("m" + i));
        }
        List<String> processed = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < 6; w++) {
            workers.add(new Thread(() -> {
                try {
                    for (int round = 0; round < 1_000 && spool.size() > 0; round++) {
                        for (SpooledMail mail : spool.claim(4)) {
                            try (InputStream in = spool.open(mail.id())) {
                                in.readAllBytes();
                            }
                            processed.add(mail.id());
                            spool.complete(mail.id());
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        workers.forEach(Thread::start);
        for (Thread worker : workers) {
            worker.join(60_000);
            assertThat(worker.isAlive()).isFalse();
        }
        assertThat(failures).isEmpty();
        assertThat(processed).containsExactlyInAnyOrderElementsOf(committed);
        assertThat(spool.size()).isZero();
        assertThat(files("spool")).isEmpty();
    }

    /**
     * Release and completion of one mail must not wait for a transaction that holds another mail's row: the
     * outgoing queue releases a mail on every temporary failure while other workers hold theirs.
     */
    @Test
    void releasingOrCompletingAMailDoesNotWaitForAnotherMailsLock() throws Exception {
        for (int i = 0; i < 40; i++) {
            commit("m" + i);
        }
        List<SpooledMail> claimed = spool.claim(3);
        assertThat(claimed).hasSize(3);
        String first = claimed.get(0).id();
        String second = claimed.get(1).id();
        String locked = claimed.get(2).id();
        ExecutorService other = Executors.newSingleThreadExecutor();
        try (Connection holder = store.dataSource().getConnection()) {
            holder.setAutoCommit(false);
            try (PreparedStatement lock = holder.prepareStatement("UPDATE spool SET last_failure = ? WHERE id = ?")) {
                lock.setString(1, "held by another transaction");
                lock.setString(2, locked);
                assertThat(lock.executeUpdate()).isEqualTo(1);
            }
            Future<?> released = other.submit(() -> {
                spool.release(first, "temporary failure", 60_000);
                spool.release(second, StoreFixture.envelope("changed", "rcpt@example.org"), "deferred", 60_000);
                spool.complete(first);
            });
            // Bounded wait for statements that should not wait at all; a lock wait would end in Derby's timeout.
            released.get(30, TimeUnit.SECONDS);
            holder.rollback();
        } finally {
            other.shutdownNow();
        }
        clock.advance(Duration.ofMinutes(2));
        assertThat(spool.claim(50)).extracting(SpooledMail::id).contains(second).doesNotContain(first, locked);
    }

    void plantOrphan(String area, String id) throws IOException {
        Files.writeString(dir.resolve("blobs").resolve(area).resolve(id), "left by a crash");
    }

    private String commit(String name) throws IOException {
        try (Spool.Writer writer = spool.begin(StoreFixture.envelope(name, "rcpt@example.org"))) {
            writer.content().write(("content of " + name).getBytes(StandardCharsets.US_ASCII));
            return writer.commit();
        }
    }

    /** Blob files of the area; the PostgreSQL twin lists the blob rows (only tmp stays files). */
    List<String> files(String area) {
        try (Stream<Path> list = Files.list(dir.resolve("blobs").resolve(area))) {
            return list.map(p -> p.getFileName().toString()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
