package org.postline.container.spool;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.postline.api.StoreException;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.Spool;
import org.postline.api.queue.SpooledMail;
import org.postline.container.testkit.FakeSpool;
import org.postline.container.testkit.TestEnv;

/** Processed mail leaves the spool in batches, off the worker; until then nobody else may claim it. */
class CompletionsTest {

    private static final byte[] MESSAGE = TestEnv.MESSAGE.getBytes(StandardCharsets.US_ASCII);

    @Test
    void handedOverMailIsRemovedAndNeverClaimedAgainMeanwhile() throws Exception {
        FakeSpool spool = new FakeSpool();
        for (int i = 0; i < 50; i++) {
            spool.put(TestEnv.envelope("carol@example.net", Optional.empty(), "alice@example.org"), MESSAGE);
        }
        try (Completions completions = new Completions(spool, "test")) {
            spool.claim(50).forEach(mail -> completions.complete(mail.id()));
            assertThat(spool.claim(50)).isEmpty();
            await("all removed", () -> spool.size() == 0);
            assertThat(spool.completed()).hasSize(50);
        }
    }

    @Test
    void aFailingBatchIsTriedAgainAndTheMailStaysLeasedUntilThen() throws Exception {
        FakeSpool spool = new FakeSpool();
        spool.put(TestEnv.envelope("carol@example.net", Optional.empty(), "alice@example.org"), MESSAGE);
        AtomicInteger failuresLeft = new AtomicInteger(2);
        Spool flaky = new Spool() {
            @Override
            public Writer begin(Envelope envelope) {
                return spool.begin(envelope);
            }

            @Override
            public List<SpooledMail> claim(int max) {
                return spool.claim(max);
            }

            @Override
            public InputStream open(String id) {
                return spool.open(id);
            }

            @Override
            public void complete(String id) {
                spool.complete(id);
            }

            @Override
            public void completeAll(List<String> ids) {
                if (failuresLeft.getAndDecrement() > 0) {
                    throw new StoreException("database unreachable", null);
                }
                spool.completeAll(ids);
            }

            @Override
            public void release(String id, String reason, long delayMillis) {
                spool.release(id, reason, delayMillis);
            }

            @Override
            public long size() {
                return spool.size();
            }

            @Override
            public void onCommit(Runnable listener) {
                spool.onCommit(listener);
            }
        };
        try (Completions completions = new Completions(flaky, "test")) {
            String id = spool.claim(1).get(0).id();
            completions.complete(id);
            await("two failed batches", () -> failuresLeft.get() <= 0);
            assertThat(spool.claim(1)).as("still leased while its removal is retried").isEmpty();
            await("removed on the third try", () -> spool.size() == 0);
        }
    }

    @Test
    void closeRemovesWhatIsPending() throws Exception {
        FakeSpool spool = new FakeSpool();
        spool.put(TestEnv.envelope("carol@example.net", Optional.empty(), "alice@example.org"), MESSAGE);
        Completions completions = new Completions(spool, "test");
        completions.complete(spool.claim(1).get(0).id());
        assertThat(completions.close(Duration.ofSeconds(10))).isTrue();
        assertThat(spool.size()).isZero();
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }
}
