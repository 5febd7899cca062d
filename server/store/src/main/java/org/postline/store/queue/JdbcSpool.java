package org.postline.store.queue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.postline.api.StoreException;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.Spool;
import org.postline.api.queue.SpooledMail;
import org.postline.store.queue.ClaimQuery.Claimed;
import org.postline.store.blob.BlobStore;
import org.postline.store.blob.PendingBlob;
import org.postline.store.jdbc.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Spool} as rows of the {@code spool} table. Content up to {@link BlobStore#INLINE_LIMIT} (any size
 * when bodies are in the database) lives in the row's {@code content} column and is committed with it; rows
 * committed at the same moment by several threads share one transaction and one log sync ({@link GroupCommit}).
 * Larger content in files is published first (file and directory synced), then the row is committed. Either
 * way a mail is fully there or not at all. Claims are leases kept in memory: a new {@code JdbcSpool} (a
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
    private final Leases leases = new Leases();
    private final AtomicLong size = new AtomicLong();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    // What the claim read of each leased mail (see ClaimQuery.Claimed), dropped when the lease ends.
    private final ConcurrentMap<String, Claimed> claimed = new ConcurrentHashMap<>();
    private final GroupCommit commits;

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
        this.commits = new GroupCommit(jdbc, "commit mail to queue " + queue);
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

    /**
     * Walks the queue's age index ({@code spool_queue_age}) and stops after the rows it needs. The database
     * query runs outside any lock of this class; only the in-memory leases are checked and taken under one
     * (see {@link Leases}). The same transaction reads the content of the mails it hands out when small.
     */
    @Override
    public List<SpooledMail> claim(int max) {
        if (max <= 0) {
            return List.of();
        }
        Map<String, Claimed> read = new HashMap<>();
        List<SpooledMail> taken = leases.claim(max, limit -> ready(limit, max, read));
        for (SpooledMail mail : taken) {
            Claimed known = read.get(mail.id());
            if (known != null) {
                claimed.put(mail.id(), known);
            }
        }
        return taken;
    }

    private List<SpooledMail> ready(int limit, int wanted, Map<String, Claimed> read) {
        long now = clock.millis();
        Set<String> held = leases.held();
        return jdbc.inTransaction("claim spooled mail",
                c -> ClaimQuery.ready(c, queue, now, limit, held, wanted, read));
    }

    @Override
    public InputStream open(String id) {
        Claimed known = claimed.get(id);
        if (known != null && known.content().isPresent()) {
            return new ByteArrayInputStream(known.content().get());
        }
        Optional<byte[]> inRow = jdbc.inTransaction("read mail " + id + " from queue " + queue, c -> {
            try (PreparedStatement query = c.prepareStatement("SELECT content FROM spool WHERE id = ?")) {
                query.setString(1, id);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next() ? Optional.ofNullable(rows.getBytes(1)) : Optional.<byte[]>empty();
                }
            }
        });
        if (inRow.isPresent()) {
            return new ByteArrayInputStream(inRow.get());
        }
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
        completeAll(List.of(id));
    }

    /** Claims are leases held until the completion or release, from whichever thread. */
    @Override
    public boolean completesLater() {
        return true;
    }

    /**
     * One transaction (one log sync) for the whole batch: the committed deletes are the atomic step; the files of
     * blob contents go after it (an orphan is swept at the next start). A mail is known to be in this queue (its
     * lease, or the query) before its row is deleted by id alone: with {@code AND queue_name = ?} Derby's
     * optimizer picks the queue's age index up to a thousand or so rows, and each delete then scans and locks
     * the whole queue.
     */
    @Override
    public void completeAll(List<String> ids) {
        List<String> removed = new ArrayList<>();
        List<String> withBlob = new ArrayList<>();
        jdbc.inTransaction("remove " + (ids.size() == 1 ? "mail " + ids.get(0) : ids.size() + " mails")
                + " from queue " + queue, c -> {
            removed.clear();
            withBlob.clear();
            try (PreparedStatement query = c.prepareStatement("SELECT CASE WHEN content IS NULL THEN 1 ELSE 0 END"
                    + " FROM spool WHERE id = ? AND queue_name = ?");
                 PreparedStatement delete = c.prepareStatement("DELETE FROM spool WHERE id = ?")) {
                for (String id : ids) {
                    Claimed known = claimed.get(id);
                    boolean blob;
                    if (known != null) {
                        blob = !known.contentInRow();
                    } else {
                        query.setString(1, id);
                        query.setString(2, queue);
                        try (ResultSet rows = query.executeQuery()) {
                            if (!rows.next()) {
                                continue;
                            }
                            blob = rows.getInt(1) == 1;
                        }
                    }
                    delete.setString(1, id);
                    if (delete.executeUpdate() > 0) {
                        removed.add(id);
                        if (blob) {
                            withBlob.add(id);
                        }
                    }
                }
            }
            return null;
        });
        size.addAndGet(-removed.size());
        withBlob.forEach(id -> blobs.delete(AREA, id));
        if (removed.size() < ids.size()) {
            LOG.debug("{} of {} completed mails were no longer in queue {}", ids.size() - removed.size(), ids.size(), queue);
        }
        ids.forEach(this::endLease);
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
        claimed.remove(id);
        leases.end(id);
    }


    /**
     * Commits the row with the content inside it (content in memory, or any content when bodies are in the
     * database: nothing is synced but the transaction), or publishes a large file first and then the row. On
     * any failure leaves neither behind.
     */
    private String commit(Envelope envelope, Optional<Instant> notBefore, PendingBlob blob) {
        String id = ids.next();
        Optional<byte[]> inMemory = blob.inMemory();
        boolean contentInRow = inMemory.isPresent() || blobs.inDatabase();
        long bytes = blob.size();
        if (inMemory.isPresent() && !blobs.inDatabase() && !blobs.hasRoomFor(bytes)) {
            blob.discard();
            throw new StoreException("the disk holding queue " + queue + " is full (less than "
                    + BlobStore.LOCAL_DISK_RESERVE / (1024 * 1024) + " MiB free); the mail is not accepted", null);
        }
        if (!contentInRow) {
            try {
                bytes = blob.publish(AREA, id);
            } catch (IOException e) {
                throw new StoreException("could not write mail content to queue " + queue + ": " + e.getMessage(), e);
            }
        }
        long now = clock.millis();
        long ready = notBefore.map(Instant::toEpochMilli).orElse(now);
        long length = bytes;
        String sql = "INSERT INTO spool (id, state, envelope, size_bytes, stored_at_ms, failed_attempts, last_failure,"
                + " not_before_ms, queue_name" + (contentInRow ? ", content) VALUES (?, ?, ?, ?, ?, 0, '', ?, ?, ?)"
                : ") VALUES (?, ?, ?, ?, ?, 0, '', ?, ?)");
        String encoded = EnvelopeCodec.encode(envelope);
        try {
            if (inMemory.isPresent() || !contentInRow) {
                // Content in memory or already published: the row joins the rows other threads commit now.
                commits.insert(new GroupCommit.Insert() {
                    @Override
                    public String sql() {
                        return sql;
                    }

                    @Override
                    public void bind(PreparedStatement insert) throws SQLException {
                        bindRow(insert, id, envelope, encoded, length, now, ready);
                        if (inMemory.isPresent()) {
                            insert.setBytes(8, inMemory.get());
                        }
                    }
                });
            } else {
                jdbc.inTransaction("commit mail " + id + " to queue " + queue, c -> {
                    try (PreparedStatement insert = c.prepareStatement(sql);
                         InputStream content = blob.openContent()) {
                        bindRow(insert, id, envelope, encoded, length, now, ready);
                        insert.setBinaryStream(8, content, length);
                        insert.executeUpdate();
                    } catch (IOException e) {
                        throw new SQLException("could not read the mail's temporary file: " + e.getMessage(), e);
                    }
                    return null;
                });
            }
        } catch (RuntimeException e) {
            if (!contentInRow) {
                blobs.delete(AREA, id);
            }
            throw e;
        } finally {
            blob.discard(); // the temporary file of content that went into the row, if any
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

    private void bindRow(PreparedStatement insert, String id, Envelope envelope, String encoded, long length,
                         long now, long ready) throws SQLException {
        insert.setString(1, id);
        insert.setString(2, envelope.state());
        insert.setString(3, encoded);
        insert.setLong(4, length);
        insert.setLong(5, now);
        insert.setLong(6, ready);
        insert.setString(7, queue);
    }
}
