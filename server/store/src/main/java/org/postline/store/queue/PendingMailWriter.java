package org.postline.store.queue;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import org.postline.api.StoreException;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.Spool;
import org.postline.store.blob.BlobStore;
import org.postline.store.blob.PendingBlob;

/**
 * A mail being written into a queue: its content goes to a pending blob, and commit hands envelope and blob
 * to the queue's own commit (a row in the database, a message on the broker). Commit or abort happens once.
 */
public final class PendingMailWriter implements Spool.Writer {

    /** What a queue does to make a written mail durable; returns the mail's id. */
    @FunctionalInterface
    public interface Commit {
        String commit(Envelope envelope, Optional<Instant> notBefore, PendingBlob blob);
    }

    private final Envelope envelope;
    private final Optional<Instant> notBefore;
    private final PendingBlob blob;
    private final Commit queue;
    private boolean finished;

    /** Starts writing a mail into the queue named {@code queueName}, whose commit is {@code queue}. */
    public static PendingMailWriter start(BlobStore blobs, String queueName, Envelope envelope,
                                          Optional<Instant> notBefore, Commit queue) {
        Objects.requireNonNull(envelope, "envelope");
        try {
            return new PendingMailWriter(envelope, notBefore, blobs.create(), queue);
        } catch (IOException e) {
            throw new StoreException("could not start writing a mail to queue " + queueName + ": " + e.getMessage(), e);
        }
    }

    private PendingMailWriter(Envelope envelope, Optional<Instant> notBefore, PendingBlob blob, Commit queue) {
        this.envelope = envelope;
        this.notBefore = notBefore;
        this.blob = blob;
        this.queue = queue;
    }

    @Override
    public OutputStream content() {
        return blob.stream();
    }

    @Override
    public synchronized String commit() {
        if (finished) {
            throw new IllegalStateException("this writer was already committed or aborted");
        }
        finished = true;
        return queue.commit(envelope, notBefore, blob);
    }

    @Override
    public synchronized void abort() {
        finished = true;
        blob.discard();
    }

    @Override
    public synchronized void close() {
        if (!finished) {
            abort();
        }
    }
}
