package org.postline.container.testkit;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.Spool;
import org.postline.api.queue.SpooledMail;

/** An in-memory spool with the real one's contract: invisible until commit, leases, delayed release. */
public final class FakeSpool implements Spool {

    private static final class Entry {
        final String id;
        Envelope envelope;
        final byte[] content;
        final Instant stored = Instant.now();
        int failedAttempts;
        String lastFailure = "";
        long readyAt;
        boolean claimed;
        final List<String> failures = new ArrayList<>();

        Entry(String id, Envelope envelope, byte[] content) {
            this.id = id;
            this.envelope = envelope;
            this.content = content;
        }

        SpooledMail view() {
            return new SpooledMail(id, envelope, content.length, stored, failedAttempts, lastFailure);
        }
    }

    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final List<String> completed = new CopyOnWriteArrayList<>();

    @Override
    public Writer begin(Envelope envelope) {
        return begin(envelope, Instant.EPOCH);
    }

    @Override
    public Writer begin(Envelope envelope, Instant notBefore) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        return new Writer() {
            boolean done;

            @Override
            public OutputStream content() {
                return buffer;
            }

            @Override
            public String commit() {
                String id = "S" + ids.incrementAndGet();
                synchronized (FakeSpool.this) {
                    Entry entry = new Entry(id, envelope, buffer.toByteArray());
                    entry.readyAt = notBefore.toEpochMilli();
                    entries.put(id, entry);
                }
                done = true;
                listeners.forEach(Runnable::run);
                return id;
            }

            @Override
            public void abort() {
                done = true;
            }

            @Override
            public void close() {
                done = true;
            }
        };
    }

    /** Test helper: commits a mail in one call. */
    public String put(Envelope envelope, byte[] content) {
        try (Writer writer = begin(envelope)) {
            writer.content().write(content);
            return writer.commit();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public synchronized List<SpooledMail> claim(int max) {
        long now = System.currentTimeMillis();
        List<SpooledMail> out = new ArrayList<>();
        for (Entry e : entries.values()) {
            if (out.size() >= max) {
                break;
            }
            if (!e.claimed && e.readyAt <= now) {
                e.claimed = true;
                out.add(e.view());
            }
        }
        return out;
    }

    @Override
    public synchronized InputStream open(String id) {
        Entry e = entries.get(id);
        if (e == null) {
            throw new org.postline.api.StoreException("no mail " + id, null);
        }
        return new ByteArrayInputStream(e.content);
    }

    @Override
    public synchronized void complete(String id) {
        entries.remove(id);
        completed.add(id);
    }

    /** Like the database spool: a claim holds until completed, from any thread. */
    @Override
    public boolean completesLater() {
        return true;
    }

    @Override
    public synchronized void release(String id, String reason, long delayMillis) {
        Entry e = entries.get(id);
        if (e != null) {
            e.claimed = false;
            e.failedAttempts++;
            e.lastFailure = reason;
            e.failures.add(reason);
            e.readyAt = System.currentTimeMillis() + delayMillis;
        }
    }

    @Override
    public synchronized void release(String id, Envelope envelope, String reason, long delayMillis) {
        Entry e = entries.get(id);
        if (e != null) {
            e.envelope = envelope;
        }
        release(id, reason, delayMillis);
    }

    /** When the mail becomes ready (epoch milliseconds). */
    public synchronized long readyAt(String id) {
        return entries.get(id).readyAt;
    }

    @Override
    public synchronized long size() {
        return entries.size();
    }

    @Override
    public void onCommit(Runnable listener) {
        listeners.add(listener);
    }

    public synchronized List<SpooledMail> all() {
        return entries.values().stream().map(Entry::view).toList();
    }

    public synchronized byte[] content(String id) {
        return entries.get(id).content.clone();
    }

    public List<String> completed() {
        return List.copyOf(completed);
    }
}
