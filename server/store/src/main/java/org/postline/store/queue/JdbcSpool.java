package org.postline.store.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.postline.api.StoreException;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.Spool;
import org.postline.api.queue.SpooledMail;
import org.postline.store.blob.BlobStore;
import org.postline.store.blob.PendingBlob;
import org.postline.store.jdbc.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Spool} as rows of the {@code spool} table plus one blob file per mail. A commit syncs the file
 * and its directory, then commits the row (Derby syncs its log and group-commits concurrent transactions), so
 * a mail is either fully there or not at all. Claims are leases kept in memory: a new {@code JdbcSpool} (a
 * restart) finds every mail ready again.
 * <p>Each instance serves one named queue ({@code queue_name}); all queues share the table and the blob area,
 * whose ids are unique across queues.
 */
public final class JdbcSpool implements Spool {

    static final String AREA = "spool";
    public static final String DEFAULT_QUEUE = "spool";
    private static final Logger LOG = LoggerFactory.getLogger(JdbcSpool.class);
    private static final int MAX_FAILURE_LENGTH = 4000;

    private final Jdbc jdbc;
    private final BlobStore blobs;
    private final MailIds ids;
    private final Clock clock;
    private final String queue;
    private final Set<String> claimed = ConcurrentHashMap.newKeySet();
    /** Orders claims against the end of a lease, so a claim never picks up a row that was just deleted. */
    private final Object claimLock = new Object();
    private final AtomicLong size = new AtomicLong();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    /** The incoming spool (queue {@value #DEFAULT_QUEUE}). */
    public JdbcSpool(Jdbc jdbc, BlobStore blobs, MailIds ids, Clock clock) {
        this(jdbc, blobs, ids, clock, DEFAULT_QUEUE);
    }

    /** The queue of that name; ask {@link JdbcMailQueues} rather than creating two instances for one queue. */
    public JdbcSpool(Jdbc jdbc, BlobStore blobs, MailIds ids, Clock clock, String queue) {
        this.jdbc = jdbc;
        this.blobs = blobs;
        this.ids = ids;
        this.clock = clock;
        this.queue = Objects.requireNonNull(queue, "queue");
        blobs.createArea(AREA);
        size.set(jdbc.inTransaction("count queue " + queue, c -> {
            try (PreparedStatement query = c.prepareStatement("SELECT COUNT(*) FROM spool WHERE queue_name = ?")) {
                query.setString(1, queue);
                try (ResultSet rows = query.executeQuery()) {
                    rows.next();
                    return rows.getLong(1);
                }
            }
        }));
    }

    /** The queue this instance serves. */
    public String queueName() {
        return queue;
    }

    /**
     * Deletes blob files that no row of any queue names (left by a crash between file and row); call once at
     * start, before any queue is written.
     */
    public int sweepOrphans() {
        Set<String> known = jdbc.inTransaction("list the spool", c -> {
            Set<String> found = new HashSet<>();
            try (PreparedStatement query = c.prepareStatement("SELECT id FROM spool");
                 ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
            return found;
        });
        try {
            blobs.sweepTemporary();
            int removed = blobs.sweep(AREA, known::contains);
            if (removed > 0) {
                LOG.info("Removed {} orphaned spool file(s) left by an interrupted write", removed);
            }
            return removed;
        } catch (IOException e) {
            throw new StoreException("could not clean the spool directory: " + e.getMessage(), e);
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
        return PendingMailWriter.start(blobs, queue, envelope, notBefore, this::commit);
    }

    @Override
    public List<SpooledMail> claim(int max) {
        if (max <= 0) {
            return List.of();
        }
        long now = clock.millis();
        synchronized (claimLock) {
            List<SpooledMail> ready = jdbc.inTransaction("claim spooled mail", c -> {
                List<SpooledMail> found = new ArrayList<>();
                try (PreparedStatement query = c.prepareStatement("SELECT id, envelope, size_bytes, stored_at_ms,"
                        + " failed_attempts, last_failure FROM spool WHERE queue_name = ? AND not_before_ms <= ?"
                        + " ORDER BY stored_at_ms, id")) {
                    query.setMaxRows(max + claimed.size()); // claimed rows are skipped, so fetch that many more
                    query.setString(1, queue);
                    query.setLong(2, now);
                    try (ResultSet rows = query.executeQuery()) {
                        while (found.size() < max && rows.next()) {
                            String id = rows.getString(1);
                            if (!claimed.contains(id)) {
                                readMail(rows, id).ifPresent(found::add);
                            }
                        }
                    }
                }
                return found;
            });
            ready.forEach(mail -> claimed.add(mail.id()));
            return List.copyOf(ready);
        }
    }

    @Override
    public InputStream open(String id) {
        try {
            return blobs.open(AREA, id);
        } catch (NoSuchFileException | IllegalArgumentException e) {
            throw new StoreException("there is no mail " + id + " in queue " + queue, e);
        } catch (IOException e) {
            throw new StoreException("could not read mail " + id + " from queue " + queue + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void complete(String id) {
        // The committed delete is the atomic step; the file goes after it (an orphan is swept at the next start).
        boolean deleted = jdbc.inTransaction("remove mail " + id + " from queue " + queue, c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM spool WHERE id = ? AND queue_name = ?")) {
                delete.setString(1, id);
                delete.setString(2, queue);
                return delete.executeUpdate() > 0;
            }
        });
        if (deleted) {
            size.decrementAndGet();
            blobs.delete(AREA, id);
        } else {
            LOG.debug("Completed mail {} was no longer in queue {}", id, queue);
        }
        endLease(id);
    }

    @Override
    public void release(String id, String reason, long delayMillis) {
        long notBefore = clock.millis() + Math.max(0, delayMillis);
        boolean updated = jdbc.inTransaction("release mail " + id, c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE spool SET failed_attempts = failed_attempts + 1,"
                    + " last_failure = ?, not_before_ms = ? WHERE id = ? AND queue_name = ?")) {
                update.setString(1, failure(reason));
                update.setLong(2, notBefore);
                update.setString(3, id);
                update.setString(4, queue);
                return update.executeUpdate() > 0;
            }
        });
        if (!updated) {
            LOG.warn("Released mail {} was no longer in queue {}", id, queue);
        }
        endLease(id);
    }

    @Override
    public void release(String id, Envelope envelope, String reason, long delayMillis) {
        Objects.requireNonNull(envelope, "envelope");
        String encoded = EnvelopeCodec.encode(envelope);
        long notBefore = clock.millis() + Math.max(0, delayMillis);
        boolean updated = jdbc.inTransaction("release mail " + id, c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE spool SET failed_attempts = failed_attempts + 1,"
                    + " last_failure = ?, not_before_ms = ?, envelope = ?, state = ? WHERE id = ? AND queue_name = ?")) {
                update.setString(1, failure(reason));
                update.setLong(2, notBefore);
                update.setString(3, encoded);
                update.setString(4, envelope.state());
                update.setString(5, id);
                update.setString(6, queue);
                return update.executeUpdate() > 0;
            }
        });
        if (!updated) {
            LOG.warn("Released mail {} was no longer in queue {}", id, queue);
        }
        endLease(id);
    }

    private static String failure(String reason) {
        String why = reason == null ? "" : reason;
        return why.length() > MAX_FAILURE_LENGTH ? why.substring(0, MAX_FAILURE_LENGTH) : why;
    }

    @Override
    public long size() {
        return size.get();
    }

    @Override
    public void onCommit(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    private void endLease(String id) {
        synchronized (claimLock) {
            claimed.remove(id);
        }
    }

    private Optional<SpooledMail> readMail(ResultSet rows, String id) throws SQLException {
        try {
            Envelope envelope = EnvelopeCodec.decode(rows.getString(2));
            return Optional.of(new SpooledMail(id, envelope, rows.getLong(3),
                    Instant.ofEpochMilli(rows.getLong(4)), rows.getInt(5), rows.getString(6)));
        } catch (IllegalArgumentException e) {
            LOG.error("Mail {} has an unreadable envelope and stays in queue {} untouched: {}", id, queue,
                    e.getMessage());
            return Optional.empty();
        }
    }

    /** Publishes the blob, then the row; on any failure leaves neither behind. */
    private String commit(Envelope envelope, Optional<Instant> notBefore, PendingBlob blob) {
        String id = ids.next();
        long bytes;
        try {
            bytes = blob.publish(AREA, id);
        } catch (IOException e) {
            throw new StoreException("could not write mail content to queue " + queue + ": " + e.getMessage(), e);
        }
        long now = clock.millis();
        long ready = notBefore.map(Instant::toEpochMilli).orElse(now);
        try {
            jdbc.inTransaction("commit mail " + id + " to queue " + queue, c -> {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO spool (id, state, envelope, size_bytes,"
                        + " stored_at_ms, failed_attempts, last_failure, not_before_ms, queue_name)"
                        + " VALUES (?, ?, ?, ?, ?, 0, '', ?, ?)")) {
                    insert.setString(1, id);
                    insert.setString(2, envelope.state());
                    insert.setString(3, EnvelopeCodec.encode(envelope));
                    insert.setLong(4, bytes);
                    insert.setLong(5, now);
                    insert.setLong(6, ready);
                    insert.setString(7, queue);
                    insert.executeUpdate();
                }
                return null;
            });
        } catch (RuntimeException e) {
            blobs.delete(AREA, id);
            throw e;
        }
        size.incrementAndGet();
        for (Runnable listener : listeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                // The mail is committed; a failing listener must not make the sender think otherwise.
                LOG.warn("A spool commit listener failed", e);
            }
        }
        return id;
    }
}
