package org.postline.mailbox.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.store.mail.MessageMapper.FetchType;

/**
 * Metadata snapshots of the most recently read large mailboxes, so that a metadata read of a whole mailbox
 * (IMAP {@code FETCH 1:* (UID FLAGS)}, SELECT's counters) costs one mailbox-row query instead of a read of every
 * message row. A snapshot is used only while the mailbox row's {@link MailboxSequences.Stamp} is the one it was
 * made at; every write moves the stamp, whichever node makes it, so a snapshot is never served stale.
 * Bounded by the number of messages held in all snapshots; the least recently used go first.
 */
final class MetadataSnapshots {

    /** About 11 MB of snapshots (some 220 bytes a message). */
    static final int DEFAULT_MAX_MESSAGES = 50_000;
    /** A metadata read spanning at least this many uids is worth (re)making the mailbox's snapshot. */
    static final long WIDE_RANGE = 256;

    private final MessageTable table;
    private final Database database;
    private final int maxMessages;
    // Guarded by itself; access order, so iteration starts at the least recently used.
    private final Map<Long, MetadataSnapshot> snapshots = new LinkedHashMap<>(16, 0.75f, true);
    private long heldMessages;
    private long made;

    MetadataSnapshots(MessageTable table, int maxMessages) {
        this.table = table;
        this.database = table.database();
        this.maxMessages = maxMessages;
    }

    /**
     * The mailbox's snapshot, current as of now, for a read of uids {@code from..to}: made if there is none or
     * it is stale and the read is wide; empty when the read should go to the rows (narrow reads of a mailbox
     * without a current snapshot, mailboxes too large to hold, mailboxes that no longer exist).
     */
    Optional<MetadataSnapshot> forRange(long mailboxId, long from, long to) throws MailboxException {
        MetadataSnapshot held = held(mailboxId);
        if (held == null && to - from < WIDE_RANGE) {
            return Optional.empty();
        }
        Optional<MailboxSequences.Stamp> stamp = database.inTransaction(connection ->
            MailboxSequences.stamp(connection, mailboxId));
        if (stamp.isEmpty()) {
            forget(mailboxId);
            return Optional.empty();
        }
        if (held != null && held.stamp().equals(stamp.get())) {
            return Optional.of(held);
        }
        boolean wide = (from <= 1 && to >= stamp.get().lastUid()) || Math.min(to, stamp.get().lastUid()) - from >= WIDE_RANGE;
        return wide ? make(mailboxId) : Optional.empty();
    }

    /** The mailbox's snapshot if one is held and still current; never makes one. */
    Optional<MetadataSnapshot> ifCurrent(long mailboxId) throws MailboxException {
        MetadataSnapshot held = held(mailboxId);
        if (held == null) {
            return Optional.empty();
        }
        Optional<MailboxSequences.Stamp> stamp = database.inTransaction(connection ->
            MailboxSequences.stamp(connection, mailboxId));
        if (stamp.isPresent() && held.stamp().equals(stamp.get())) {
            return Optional.of(held);
        }
        forget(mailboxId);
        return Optional.empty();
    }

    /**
     * For a write of uids {@code from..to} that holds the mailbox row lock, the mailbox being at {@code stamp}
     * (the row's stamp before the write raised it): the snapshot held at that stamp, or for a wide write a new one
     * made from the rows, which no one can change until the write ends (if none is held, or the write spans half
     * the mailbox); empty when the write should read its rows.
     * A snapshot made here is exact at {@code stamp} whether the write then commits (and patches it) or rolls back.
     */
    Optional<MetadataSnapshot> currentUnderLock(Connection connection, long mailboxId, MailboxSequences.Stamp stamp,
                                                long from, long to) throws SQLException {
        MetadataSnapshot held = held(mailboxId);
        if (held != null && held.stamp().equals(stamp)) {
            return Optional.of(held);
        }
        long last = stamp.lastUid();
        boolean wide = (from <= 1 && to >= last) || Math.min(to, last) - from >= WIDE_RANGE;
        // Replacing a stale snapshot (another node wrote) reads every row: only when the write spans half of them.
        boolean worthIt = held == null || 2 * (Math.min(to, last) - Math.max(from, 1) + 1) >= last;
        // No more messages than uids: a mailbox whose uids stay within the bound surely fits, so no read is wasted.
        if (!wide || !worthIt || last > maxMessages) {
            return Optional.empty();
        }
        MetadataSnapshot made = new MetadataSnapshot(stamp, mailboxId,
            table.select(connection, "mailbox_id = ?", List.of(mailboxId), FetchType.METADATA, 0));
        synchronized (this) {
            this.made++;
            hold(mailboxId, made);
        }
        return Optional.of(made);
    }

    /**
     * After a committed write of this node that took the mailbox from {@code before} to {@code after}: a snapshot
     * made at {@code before} becomes {@code change} of it, made at {@code after} (the mailbox row lock orders writes,
     * so nothing else happened in between). Any other snapshot is left to be remade when next read.
     */
    synchronized void afterWrite(long mailboxId, MailboxSequences.Stamp before, MailboxSequences.Stamp after,
                                 UnaryOperator<MetadataSnapshot> change) {
        MetadataSnapshot held = snapshots.get(mailboxId);
        if (held != null && held.stamp().equals(before)) {
            hold(mailboxId, change.apply(held));
        }
    }

    /** Messages held in all snapshots (tests). */
    synchronized long heldMessages() {
        return heldMessages;
    }

    /** Snapshots made from the rows so far (tests). */
    synchronized long made() {
        return made;
    }

    /**
     * Reads the stamp, then the rows, in one transaction: a write committed in between makes the rows newer
     * than the stamp, never older, so at worst the next read finds the stamp moved and makes a new snapshot.
     */
    private Optional<MetadataSnapshot> make(long mailboxId) throws MailboxException {
        Optional<MetadataSnapshot> made = database.inTransaction(connection -> {
            Optional<MailboxSequences.Stamp> stamp = MailboxSequences.stamp(connection, mailboxId);
            if (stamp.isEmpty()) {
                return Optional.empty();
            }
            List<StoredMessage> messages = table.select(connection, "mailbox_id = ?", List.of(mailboxId),
                FetchType.METADATA, maxMessages + 1);
            return messages.size() > maxMessages
                ? Optional.empty() : Optional.of(new MetadataSnapshot(stamp.get(), mailboxId, messages));
        });
        if (made.isEmpty()) {
            forget(mailboxId);
            return made;
        }
        synchronized (this) {
            this.made++;
            hold(mailboxId, made.get());
        }
        return made;
    }

    private synchronized MetadataSnapshot held(long mailboxId) {
        return snapshots.get(mailboxId);
    }

    private synchronized void hold(long mailboxId, MetadataSnapshot snapshot) {
        MetadataSnapshot newer = snapshots.get(mailboxId);
        if (newer != null && newer.stamp().changeCount() > snapshot.stamp().changeCount()) {
            return; // made meanwhile by a read that started later
        }
        MetadataSnapshot replaced = snapshots.put(mailboxId, snapshot);
        heldMessages += snapshot.size() - (replaced == null ? 0 : replaced.size());
        Iterator<Map.Entry<Long, MetadataSnapshot>> eldest = snapshots.entrySet().iterator();
        while (heldMessages > maxMessages && eldest.hasNext()) {
            Map.Entry<Long, MetadataSnapshot> entry = eldest.next();
            if (entry.getKey() != mailboxId) {
                heldMessages -= entry.getValue().size();
                eldest.remove();
            }
        }
    }

    private synchronized void forget(long mailboxId) {
        MetadataSnapshot removed = snapshots.remove(mailboxId);
        if (removed != null) {
            heldMessages -= removed.size();
        }
    }
}
