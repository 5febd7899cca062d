package org.postline.container.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.Test;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.Spool;
import org.postline.api.queue.SpooledMail;
import org.postline.container.testkit.FakeSpool;
import org.postline.container.testkit.TestEnv;

/**
 * The claiming routes: every mail runs once, a claim is made only when a worker may be idle or the mail
 * claimed ahead has run down to one batch, and no more than one batch waits in memory under a lease.
 */
class SpoolRoutesTest {

    private static final int WORKERS = 2;
    private static final int MAILS = 10;

    @Test
    void claimsAheadOneBatchAtMostAndRunsEveryMailOnce() throws Exception {
        FakeSpool fake = new FakeSpool();
        List<Integer> claimSizes = new CopyOnWriteArrayList<>();
        List<Integer> claimAsked = new CopyOnWriteArrayList<>();
        Spool spool = new RecordingSpool(fake, claimAsked, claimSizes);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < MAILS; i++) {
            ids.add(fake.put(TestEnv.envelope("carol@example.net", Optional.empty(), "alice@example.org"),
                    ("Subject: " + i + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII)));
        }
        List<String> started = new CopyOnWriteArrayList<>();
        List<String> processed = new CopyOnWriteArrayList<>();
        Semaphore finish = new Semaphore(0);
        QueueWorker worker = new QueueWorker() {
            @Override
            public void process(SpooledMail mail) throws Exception {
                started.add(mail.id());
                assertThat(finish.tryAcquire(30, TimeUnit.SECONDS)).isTrue();
                processed.add(mail.id());
                spool.complete(mail.id());
            }

            @Override
            public void failed(SpooledMail mail, Throwable cause) {
                spool.release(mail.id(), String.valueOf(cause), 0);
            }
        };
        SpoolRoutes routes = new SpoolRoutes("test", spool, worker, WORKERS, Duration.ofMillis(50));
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(routes);
            camel.start();
            routes.wake();

            // Both workers busy: one batch claimed ahead, the rest left in the spool for others.
            await(() -> started.size() == WORKERS && routes.inFlight() == 2 * WORKERS, () -> "started " + started
                    + " claims " + claimAsked + "/" + claimSizes + " in flight " + routes.inFlight());
            assertThat(claimSizes.stream().mapToInt(Integer::intValue).sum()).isEqualTo(2 * WORKERS);
            assertThat(fake.all()).hasSize(MAILS);

            for (int done = 1; done <= MAILS; done++) {
                finish.release();
                int expected = done;
                await(() -> processed.size() == expected, () -> "processed " + processed + " started " + started
                        + " claims " + claimAsked + "/" + claimSizes + " in flight " + routes.inFlight());
            }
            await(() -> routes.inFlight() == 0);
            assertThat(routes.drain(Duration.ofSeconds(10))).isTrue();
        }
        assertThat(processed).hasSize(MAILS).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(ids);
        assertThat(fake.completed()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(fake.all()).isEmpty();
        // Each claim filled up to two batches, and only once at most one batch was held.
        assertThat(claimAsked).allSatisfy(asked -> assertThat(asked).isBetween(WORKERS, 2 * WORKERS));
        List<Integer> nonEmpty = claimSizes.stream().filter(size -> size > 0).toList();
        assertThat(nonEmpty.stream().mapToInt(Integer::intValue).sum()).isEqualTo(MAILS);
        assertThat(nonEmpty.size()).isLessThanOrEqualTo(1 + (MAILS - 2 * WORKERS) / WORKERS);
    }

    @Test
    void mailClaimedAheadButNotRunWhenStoppingStaysInTheSpool() throws Exception {
        FakeSpool spool = new FakeSpool();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < MAILS; i++) {
            ids.add(spool.put(TestEnv.envelope("carol@example.net", Optional.empty(), "alice@example.org"),
                    ("Subject: " + i + "\r\n\r\nbody\r\n").getBytes(StandardCharsets.US_ASCII)));
        }
        List<String> processed = new CopyOnWriteArrayList<>();
        Semaphore finish = new Semaphore(0);
        QueueWorker worker = new QueueWorker() {
            @Override
            public void process(SpooledMail mail) throws Exception {
                if (!finish.tryAcquire(2, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("not released"); // fails, so the mail is released
                }
                processed.add(mail.id());
                spool.complete(mail.id());
            }

            @Override
            public void failed(SpooledMail mail, Throwable cause) {
                spool.release(mail.id(), String.valueOf(cause), 0);
            }
        };
        SpoolRoutes routes = new SpoolRoutes("stop", spool, worker, WORKERS, Duration.ofMillis(50));
        try (CamelContext camel = new DefaultCamelContext()) {
            camel.addRoutes(routes);
            camel.start();
            routes.wake();
            await(() -> routes.inFlight() == 2 * WORKERS);
            // Stop claiming with a batch waiting behind the running mails; let only the running ones finish.
            Thread releaser = new Thread(() -> finish.release(WORKERS));
            releaser.start();
            routes.drain(Duration.ofMillis(300));
            releaser.join();
        }
        // Whatever did not run was never completed: it is still in the spool for the next start (no loss).
        List<String> left = spool.all().stream().map(SpooledMail::id).toList();
        assertThat(processed).doesNotHaveDuplicates();
        assertThat(spool.completed()).containsExactlyInAnyOrderElementsOf(processed);
        assertThat(left).doesNotContainAnyElementsOf(processed);
        assertThat(processed.size() + left.size()).isEqualTo(MAILS);
        assertThat(left).hasSizeGreaterThanOrEqualTo(MAILS - 2 * WORKERS);
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        await(condition, () -> "");
    }

    private static void await(BooleanSupplier condition, java.util.function.Supplier<String> state)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(() -> "condition not met in 30 s: " + state.get()).isLessThan(deadline);
            Thread.sleep(10);
        }
    }

    /** Records each claim's asked and returned sizes. */
    private record RecordingSpool(FakeSpool delegate, List<Integer> asked, List<Integer> sizes) implements Spool {
        @Override
        public Writer begin(Envelope envelope) {
            return delegate.begin(envelope);
        }

        @Override
        public List<SpooledMail> claim(int max) {
            List<SpooledMail> claimed = delegate.claim(max);
            asked.add(max);
            sizes.add(claimed.size());
            return claimed;
        }

        @Override
        public InputStream open(String id) {
            return delegate.open(id);
        }

        @Override
        public void complete(String id) {
            delegate.complete(id);
        }

        @Override
        public boolean completesLater() {
            return true;
        }

        @Override
        public void release(String id, String reason, long delayMillis) {
            delegate.release(id, reason, delayMillis);
        }

        @Override
        public long size() {
            return delegate.size();
        }

        @Override
        public void onCommit(Runnable listener) {
            delegate.onCommit(listener);
        }
    }
}
