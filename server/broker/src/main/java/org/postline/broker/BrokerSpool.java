package org.postline.broker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.postline.api.StoreException;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.Spool;
import org.postline.api.queue.SpooledMail;
import org.postline.store.blob.BlobStore;
import org.postline.store.blob.PendingBlob;
import org.postline.store.queue.PendingMailWriter;
import org.postline.store.queue.MailIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One queue on the broker. A commit stores the content as a blob in the shared database, then sends a
 * persistent message; the broker hands the message to one consuming node ({@link BrokerRoutes}), not to
 * {@link #claim}. {@link #complete} and {@link #release} record the worker's decision, which the consuming
 * route turns into an acknowledgement (and, for a release, a delayed copy) in one broker transaction.
 */
final class BrokerSpool implements Spool {

    /** The blob area of broker-held mail; the database spool's orphan sweep never looks here. */
    static final String AREA = "queued";
    private static final Logger LOG = LoggerFactory.getLogger(BrokerSpool.class);

    private final String name;
    private final String destination;
    private final BlobStore blobs;
    private final MailIds ids;
    private final Clock clock;
    private final BrokerConnection connection;
    private final Outcomes outcomes = new Outcomes();
    private final QueueSize size;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    BrokerSpool(String name, String destination, BlobStore blobs, MailIds ids, Clock clock,
                BrokerConnection connection, QueueSize size) {
        this.name = name;
        this.destination = destination;
        this.blobs = blobs;
        this.ids = ids;
        this.clock = clock;
        this.connection = connection;
        this.size = size;
        blobs.createArea(AREA);
    }

    String name() {
        return name;
    }

    /** The JMS queue. */
    String destination() {
        return destination;
    }

    Outcomes outcomes() {
        return outcomes;
    }

    /** False once the mail was completed (a redelivery after a crash between completion and acknowledgement). */
    boolean hasContent(String id) {
        try {
            blobs.size(AREA, id);
            return true;
        } catch (NoSuchFileException | IllegalArgumentException e) {
            return false;
        } catch (IOException e) {
            throw new StoreException("could not read mail " + id + " of queue " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Writer begin(Envelope envelope) {
        return writer(envelope, Optional.empty());
    }

    @Override
    public Writer begin(Envelope envelope, Instant notBefore) {
        return writer(envelope, Optional.of(Objects.requireNonNull(notBefore, "notBefore")));
    }

    private Writer writer(Envelope envelope, Optional<Instant> notBefore) {
        return PendingMailWriter.start(blobs, name, envelope, notBefore, this::commit);
    }

    /** Nothing: the broker pushes this queue's mail to {@link BrokerRoutes}. */
    @Override
    public List<SpooledMail> claim(int max) {
        return List.of();
    }

    @Override
    public InputStream open(String id) {
        try {
            return blobs.open(AREA, id);
        } catch (NoSuchFileException | IllegalArgumentException e) {
            throw new StoreException("there is no mail " + id + " in queue " + name, e);
        } catch (IOException e) {
            throw new StoreException("could not read mail " + id + " from queue " + name + ": " + e.getMessage(), e);
        }
    }

    /** Removes the content now; the route acknowledges the message after the worker returns. */
    @Override
    public void complete(String id) {
        requireProcessing(id, new Outcomes.Completed());
        blobs.delete(AREA, id);
        size.changed();
    }

    @Override
    public void release(String id, String reason, long delayMillis) {
        requireProcessing(id, new Outcomes.Released(Optional.empty(), reason == null ? "" : reason, delayMillis));
    }

    @Override
    public void release(String id, Envelope envelope, String reason, long delayMillis) {
        requireProcessing(id, new Outcomes.Released(Optional.of(Objects.requireNonNull(envelope, "envelope")),
                reason == null ? "" : reason, delayMillis));
    }

    private void requireProcessing(String id, Outcomes.Outcome outcome) {
        if (!outcomes.record(id, outcome)) {
            throw new StoreException("mail " + id + " of queue " + name + " is not being processed on this node", null);
        }
    }

    /** Mails waiting in this queue and the others on the broker (their contents in the database). */
    @Override
    public long size() {
        return size.get();
    }

    @Override
    public void onCommit(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private String commit(Envelope envelope, Optional<Instant> notBefore, PendingBlob blob) {
        String id = ids.next();
        long bytes;
        try {
            bytes = blob.publish(AREA, id);
        } catch (FileAlreadyExistsException e) {
            // Another node made the same id in the same millisecond (1 in 65536): the caller may retry.
            throw new StoreException("mail id " + id + " is taken; try again", e);
        } catch (IOException e) {
            throw new StoreException("could not write mail content to queue " + name + ": " + e.getMessage(), e);
        }
        long now = clock.millis();
        Map<String, Object> properties = QueuedMessage.properties(id, bytes, now, 0, "",
                notBefore.map(Instant::toEpochMilli).orElse(now), now);
        try {
            connection.send(destination, QueuedMessage.body(envelope), properties);
        } catch (RuntimeException e) {
            blobs.delete(AREA, id);
            throw new StoreException("could not queue mail " + id + " on the broker (" + destination + "): "
                    + e.getMessage(), e);
        }
        size.changed();
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warn("A queue commit listener failed", e);
            }
        }
        return id;
    }
}
