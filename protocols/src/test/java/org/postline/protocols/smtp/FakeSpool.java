package org.postline.protocols.smtp;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.postline.api.StoreException;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.Spool;
import org.postline.api.queue.SpooledMail;

/** An in-memory spool that records what was committed, aborted, and on which threads. */
final class FakeSpool implements Spool {

    record Stored(String id, Envelope envelope, byte[] content) {
        String text() {
            return new String(content, StandardCharsets.ISO_8859_1);
        }
    }

    final List<Stored> committed = new CopyOnWriteArrayList<>();
    final AtomicInteger begun = new AtomicInteger();
    final AtomicInteger aborted = new AtomicInteger();
    final List<String> threads = new CopyOnWriteArrayList<>();
    final AtomicLong reportedSize = new AtomicLong(-1);
    volatile boolean failOnBegin;
    volatile boolean failOnCommit;
    /** When set, a commit first waits (at most 20 s) for this latch: a commit stuck on a slow disk. */
    volatile CountDownLatch commitGate;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<String, Stored> byId = new ConcurrentHashMap<>();

    @Override
    public Writer begin(Envelope envelope) {
        threads.add(Thread.currentThread().getName());
        if (failOnBegin) {
            throw new StoreException("disk full (test)", null);
        }
        begun.incrementAndGet();
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        return new Writer() {
            private boolean finished;

            @Override
            public OutputStream content() {
                return buffer;
            }

            @Override
            public synchronized String commit() {
                threads.add(Thread.currentThread().getName());
                CountDownLatch gate = commitGate;
                if (gate != null) {
                    try {
                        gate.await(20, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (finished) {
                    throw new IllegalStateException("finished");
                }
                if (failOnCommit) {
                    throw new StoreException("fsync failed (test)", null);
                }
                finished = true;
                String id = "Q" + ids.incrementAndGet();
                Stored stored = new Stored(id, envelope, buffer.toByteArray());
                committed.add(stored);
                byId.put(id, stored);
                return id;
            }

            @Override
            public synchronized void abort() {
                if (!finished) {
                    finished = true;
                    aborted.incrementAndGet();
                }
            }

            @Override
            public void close() {
                abort();
            }
        };
    }

    @Override
    public List<SpooledMail> claim(int max) {
        return List.of();
    }

    @Override
    public InputStream open(String id) {
        return new java.io.ByteArrayInputStream(byId.get(id).content());
    }

    @Override
    public void complete(String id) {
        byId.remove(id);
    }

    @Override
    public void release(String id, String reason, long delayMillis) {
    }

    @Override
    public long size() {
        long reported = reportedSize.get();
        return reported >= 0 ? reported : byId.size();
    }

    @Override
    public void onCommit(Runnable listener) {
    }

    Stored only() {
        if (committed.size() != 1) {
            throw new AssertionError("expected one committed mail, found " + committed.size());
        }
        return committed.get(0);
    }
}
