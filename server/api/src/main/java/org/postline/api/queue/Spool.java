package org.postline.api.queue;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.List;
import org.postline.api.StoreException;

/**
 * The durable queue between the front-ends and the mailet container: Postfix's incoming queue.
 * <p>Writing is two-phase: {@link #begin} gives a {@link Writer}; content written to it is invisible until
 * {@link Writer#commit()} returns, which happens only after envelope and content are synced to disk.
 * A writer that is aborted or closed without commit leaves nothing behind.
 * <p>Consuming: {@link #claim} hands out ready mails to this process; a claimed mail is given to no other
 * claim until it is {@link #complete completed} or {@link #release released}, or the process restarts
 * (claims are leases held in memory, so a crash makes the mail ready again: at-least-once).
 * <p>Every method may throw {@link StoreException}.
 */
public interface Spool {

    Writer begin(Envelope envelope);

    /**
     * As {@link #begin(Envelope)}, but once committed the mail is not claimed before {@code notBefore} (a
     * delayed send costs no failed attempt). The default refuses: a spool that cannot hold mail back says so.
     *
     * @throws UnsupportedOperationException if this spool cannot hold mail back
     */
    default Writer begin(Envelope envelope, Instant notBefore) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot hold mail back until a time");
    }

    /** Up to {@code max} mails that are ready now, oldest first. Never blocks. */
    List<SpooledMail> claim(int max);

    /** The content of a mail in the spool, byte for byte as committed. */
    InputStream open(String id);

    /** The mail is done with; it leaves the spool in one atomic step. */
    void complete(String id);

    /**
     * As {@link #complete(String)} for each, in as few steps (transactions, syncs) as the spool can; a failure
     * may leave any of them in the spool, where it runs again (at least once).
     */
    default void completeAll(List<String> ids) {
        ids.forEach(this::complete);
    }

    /**
     * True when a claimed mail may be completed later, from another thread, after its worker has returned:
     * the claim holds until then. False (the default) when the consumer must decide before it returns (a
     * broker acknowledging on the consuming thread).
     */
    default boolean completesLater() {
        return false;
    }

    /**
     * Processing failed; the mail becomes ready again after {@code delayMillis}, its failure count raised
     * and the reason kept.
     */
    void release(String id, String reason, long delayMillis);

    /**
     * As {@link #release(String, String, long)}, and the mail's envelope becomes {@code envelope} in the same
     * step (remote delivery keeps only the recipients still to be tried). The default refuses.
     *
     * @throws UnsupportedOperationException if this spool cannot change an envelope
     */
    default void release(String id, Envelope envelope, String reason, long delayMillis) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot change a queued envelope");
    }

    /** Mails in the spool, claimed or not (for back-pressure). */
    long size();

    /** Called (on the committing thread) after each commit, so a consumer can wake without polling. */
    void onCommit(Runnable listener);

    /** One mail being written. */
    interface Writer extends AutoCloseable {
        OutputStream content();

        /** Syncs and publishes; returns the spool id, which the SMTP reply shows as the queue id. */
        String commit();

        void abort();

        /** Aborts unless committed. */
        @Override
        void close();
    }
}
