package org.postline.container.spool;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.postline.api.queue.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes processed mail from the spool in batches, on its own thread, so a spool worker does not wait for a
 * log sync of its own after the one that made its delivery durable: the worker hands the id over and takes
 * the next mail. Every removal it is handed follows a finished (durable) processing, so a crash before the
 * batch commits only runs those mails again (at least once). The mail's lease is held until its row is gone,
 * so no one claims it in between. A failing batch is tried again; on close, what is left stays in the spool.
 */
final class Completions implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Completions.class);
    // Bounds one transaction; under load a batch holds the mail finished during one sync.
    private static final int MAX_BATCH = 256;
    private static final long RETRY_MILLIS = 500;

    private final Spool spool;
    private final LinkedBlockingQueue<String> pending = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean closing;

    Completions(Spool spool, String name) {
        this.spool = spool;
        this.thread = new Thread(this::run, "postline-" + name + "-completions");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** The mail was processed; its row goes with the next batch. */
    void complete(String id) {
        pending.add(id);
    }

    private void run() {
        List<String> batch = new ArrayList<>();
        while (!closing || !pending.isEmpty() || !batch.isEmpty()) {
            try {
                if (batch.isEmpty()) {
                    String first = pending.poll(200, TimeUnit.MILLISECONDS);
                    if (first == null) {
                        continue;
                    }
                    batch.add(first);
                }
                pending.drainTo(batch, MAX_BATCH - batch.size());
                spool.completeAll(List.copyOf(batch));
                batch.clear();
            } catch (InterruptedException e) {
                // close() gave up waiting: what is left stays in the spool and runs again at the next start.
                LOG.warn("{} processed mail not yet removed from the spool; it runs again at start", batch.size() + pending.size());
                return;
            } catch (RuntimeException e) {
                LOG.warn("removing {} processed mail from the spool failed; trying again", batch.size(), e);
                if (!pause()) {
                    return;
                }
            }
        }
    }

    private boolean pause() {
        try {
            Thread.sleep(RETRY_MILLIS);
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    /** Pending for removal (tests). */
    int pending() {
        return pending.size();
    }

    /** Call once the workers have stopped: removes what is pending, waiting up to {@code timeout}. */
    boolean close(Duration timeout) throws InterruptedException {
        closing = true;
        thread.join(Math.max(1, timeout.toMillis()));
        if (thread.isAlive()) {
            thread.interrupt();
            thread.join(1000);
            return false;
        }
        return true;
    }

    @Override
    public void close() {
        try {
            close(Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
