package org.postline.store.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.StorageConfig;
import org.postline.api.queue.Spool;
import org.postline.api.queue.SpooledMail;
import org.postline.store.Store;
import org.postline.store.StoreFixture;

/** Claims racing with commits, completions and releases, as the spool's dispatcher and workers run them. */
class SpoolClaimTest {

    private static final int WRITERS = 4;
    private static final int PER_WRITER = 60;
    private static final int WORKERS = 6;

    @TempDir
    Path dir;

    StorageConfig config(Path directory) {
        return StoreFixture.config(directory);
    }

    @Test
    void aMailIsNeverHeldTwiceAndEachIsCompletedOnce() throws Exception {
        try (Store store = Store.open(config(dir), "example.org")) {
            Spool spool = store.spool();
            int total = WRITERS * PER_WRITER;
            Set<String> held = ConcurrentHashMap.newKeySet();
            Map<String, Integer> completed = new ConcurrentHashMap<>();
            Set<String> releasedOnce = ConcurrentHashMap.newKeySet();
            List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
            BlockingQueue<SpooledMail> handedOut = new ArrayBlockingQueue<>(WORKERS);
            List<Thread> threads = new ArrayList<>();
            for (int w = 0; w < WRITERS; w++) {
                int writer = w;
                threads.add(thread(failures, () -> {
                    for (int i = 0; i < PER_WRITER; i++) {
                        String name = "w" + writer + "-" + i;
                        try (Spool.Writer mail = spool.begin(StoreFixture.envelope(name, "a@example.org"))) {
                            mail.content().write(("mail " + name).getBytes(StandardCharsets.US_ASCII));
                            mail.commit();
                        }
                    }
                }));
            }
            for (int w = 0; w < WORKERS; w++) {
                threads.add(thread(failures, () -> {
                    while (completedCount(completed) < total) {
                        SpooledMail mail = handedOut.poll(50, TimeUnit.MILLISECONDS);
                        if (mail == null) {
                            continue;
                        }
                        try (var in = spool.open(mail.id())) {
                            String content = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
                            if (!content.equals("mail " + mail.envelope().name())) {
                                throw new AssertionError("mail " + mail.id() + " opened as '" + content + "'");
                            }
                        }
                        // Every other mail is released once first (ready again at once), like a failed attempt.
                        boolean release = mail.id().hashCode() % 2 == 0 && releasedOnce.add(mail.id());
                        held.remove(mail.id()); // before the end of the lease: from here on it may be claimed again
                        if (release) {
                            spool.release(mail.id(), "try again", 0);
                        } else {
                            completed.merge(mail.id(), 1, Integer::sum);
                            spool.complete(mail.id());
                        }
                    }
                }));
            }
            Thread dispatcher = thread(failures, () -> {
                for (int round = 0; round < 200_000 && completedCount(completed) < total; round++) {
                    int idle = handedOut.remainingCapacity();
                    for (SpooledMail mail : spool.claim(idle)) {
                        if (!held.add(mail.id())) {
                            throw new AssertionError("mail " + mail.id() + " was claimed while still held");
                        }
                        handedOut.put(mail);
                    }
                    if (idle == 0) {
                        Thread.sleep(1);
                    }
                }
            });
            threads.add(dispatcher);
            threads.forEach(Thread::start);
            for (Thread thread : threads) {
                thread.join(120_000);
                assertThat(thread.isAlive()).isFalse();
            }
            assertThat(failures).isEmpty();
            assertThat(completed).hasSize(total).allSatisfy((id, times) -> assertThat(times).isEqualTo(1));
            assertThat(spool.size()).isZero();
        }
    }

    private static int completedCount(Map<String, Integer> completed) {
        return completed.size();
    }

    private interface Body {
        void run() throws Exception;
    }

    private static Thread thread(List<Throwable> failures, Body body) {
        return new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failures.add(e);
            }
        });
    }
}
