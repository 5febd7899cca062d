package org.postline.mailbox.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.mail.Flags;
import javax.mail.Flags.Flag;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxCounters;
import org.apache.james.mailbox.model.MessageMetaData;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.FlagsUpdateCalculator;
import org.apache.james.mailbox.store.mail.MessageMapper;
import org.apache.james.mailbox.store.mail.model.MailboxMessage;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Messages of one mailbox over JDBC. Each call is one transaction; every write first raises the
 * mailbox's modseq, which locks the mailbox row, so writes to one mailbox are serialized and a call that
 * changed nothing is rolled back (HIGHESTMODSEQ moves only when something changed). Expunges raise it too,
 * so CONDSTORE/QRESYNC clients notice them.
 */
final class JdbcMessageMapper implements MessageMapper {

    private static final int IN_LIST_CHUNK = 200;

    private final MessageTable table;
    private final Database database;
    private final MailboxSequences sequences;
    private final Clock clock;
    private final GroupedAppends appends;
    private final MetadataSnapshots snapshots;
    private final HeaderReads headerReads;
    private final FlagUpdates flagUpdates;
    private final DeliveryMailboxes delivery;

    /** Holding snapshots of at most {@code snapshotMessages} messages in all. */
    JdbcMessageMapper(MessageTable table, MailboxSequences sequences, Clock clock, int snapshotMessages,
                      DeliveryMailboxes delivery) {
        this.delivery = delivery;
        this.table = table;
        this.snapshots = new MetadataSnapshots(table, snapshotMessages);
        this.headerReads = new HeaderReads(table, snapshots);
        this.flagUpdates = new FlagUpdates(table, snapshots);
        this.database = table.database();
        this.appends = new GroupedAppends(database);
        this.sequences = sequences;
        this.clock = clock;
    }

    @Override
    public Iterator<MailboxMessage> findInMailbox(Mailbox mailbox, MessageRange set, FetchType type, int limit)
            throws MailboxException {
        long id = idOf(mailbox);
        long from = set.getUidFrom().asLong();
        long to = set.getUidTo().asLong();
        Optional<MetadataSnapshot> snapshot = type == FetchType.METADATA ? snapshots.forRange(id, from, to) : Optional.empty();
        if (snapshot.isPresent()) {
            return snapshot.get().messages(table, from, to, limit);
        }
        List<StoredMessage> found = database.inTransaction(connection -> table.select(connection,
            "mailbox_id = ? AND uid BETWEEN ? AND ?", List.of(id, from, to), type, limit));
        return new ArrayList<MailboxMessage>(found).iterator();
    }

    /**
     * James's default would run the query while the Flux is assembled, possibly on an I/O thread. Header reads
     * (ENVELOPE, header fetches) go by {@link HeaderReads}, in chunks.
     */
    @Override
    public Flux<MailboxMessage> findInMailboxReactive(Mailbox mailbox, MessageRange set, FetchType type, int limit) {
        if (type == FetchType.HEADERS) {
            return headerReads.read(idOf(mailbox), set, limit).subscribeOn(Schedulers.boundedElastic());
        }
        return Mono.fromCallable(() -> findInMailbox(mailbox, set, type, limit))
            .subscribeOn(Schedulers.boundedElastic())
            .flatMapIterable(found -> () -> found);
    }

    @Override
    public List<MessageUid> retrieveMessagesMarkedForDeletion(Mailbox mailbox, MessageRange range) throws MailboxException {
        Optional<MetadataSnapshot> snapshot = snapshots.ifCurrent(idOf(mailbox));
        if (snapshot.isPresent()) {
            return snapshot.get().deletedUids(range.getUidFrom().asLong(), range.getUidTo().asLong());
        }
        return uids("SELECT uid FROM mbx_message WHERE mailbox_id = ? AND uid BETWEEN ? AND ? AND deleted = ? ORDER BY uid",
            idOf(mailbox), range.getUidFrom().asLong(), range.getUidTo().asLong(), true);
    }

    @Override
    public long countMessagesInMailbox(Mailbox mailbox) throws MailboxException {
        Optional<MetadataSnapshot> snapshot = snapshots.ifCurrent(idOf(mailbox));
        if (snapshot.isPresent()) {
            return snapshot.get().size();
        }
        return count("SELECT COUNT(*) FROM mbx_message WHERE mailbox_id = ?", idOf(mailbox));
    }

    @Override
    public MailboxCounters getMailboxCounters(Mailbox mailbox) throws MailboxException {
        long id = idOf(mailbox);
        Optional<MetadataSnapshot> snapshot = snapshots.ifCurrent(id);
        long[] counts = snapshot.isPresent() ? new long[] {snapshot.get().size(), snapshot.get().unseen()} : database.inTransaction(connection -> new long[] {
            count(connection, "SELECT COUNT(*) FROM mbx_message WHERE mailbox_id = ?", id),
            count(connection, "SELECT COUNT(*) FROM mbx_message WHERE mailbox_id = ? AND seen = ?", id, false)});
        return MailboxCounters.builder().mailboxId(mailbox.getMailboxId()).count(counts[0]).unseen(counts[1]).build();
    }

    @Override
    public void delete(Mailbox mailbox, MailboxMessage message) throws MailboxException {
        deleteMessages(mailbox, List.of(message.getUid()));
    }

    @Override
    public Map<MessageUid, MessageMetaData> deleteMessages(Mailbox mailbox, List<MessageUid> uids) throws MailboxException {
        if (uids.isEmpty()) {
            return Map.of();
        }
        long id = idOf(mailbox);
        List<String> unreferenced = new ArrayList<>();
        MailboxSequences.Stamp[] after = new MailboxSequences.Stamp[1];
        Map<MessageUid, MessageMetaData> deleted = database.inTransaction(connection -> {
            unreferenced.clear();
            after[0] = MailboxSequences.raiseModSeq(connection, id);
            Map<MessageUid, MessageMetaData> result = new LinkedHashMap<>();
            for (int from = 0; from < uids.size(); from += IN_LIST_CHUNK) {
                List<MessageUid> chunk = uids.subList(from, Math.min(uids.size(), from + IN_LIST_CHUNK));
                List<Object> parameters = new ArrayList<>();
                parameters.add(id);
                chunk.forEach(uid -> parameters.add(uid.asLong()));
                List<StoredMessage> rows = table.select(connection, "mailbox_id = ? AND uid IN ("
                    + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ")", parameters, FetchType.METADATA, 0);
                unreferenced.addAll(table.blobs().release(connection, table.delete(connection, id, rows)));
                rows.forEach(row -> result.put(row.getUid(), row.metaData()));
            }
            if (result.isEmpty()) {
                connection.rollback();
            }
            return result;
        });
        if (!deleted.isEmpty()) {
            snapshots.afterWrite(id, after[0].beforeModSeqRaise(), after[0], held -> held.without(after[0], deleted.keySet()));
        }
        table.blobs().collect(database, unreferenced);
        return deleted;
    }

    @Override
    public MessageUid findFirstUnseenMessageUid(Mailbox mailbox) throws MailboxException {
        Optional<MetadataSnapshot> snapshot = snapshots.ifCurrent(idOf(mailbox));
        if (snapshot.isPresent()) {
            return snapshot.get().firstUnseen().orElse(null);
        }
        List<MessageUid> first = uids("SELECT MIN(uid) FROM mbx_message WHERE mailbox_id = ? AND seen = ?", idOf(mailbox), false);
        return first.isEmpty() ? null : first.get(0);
    }

    @Override
    public List<MessageUid> findRecentMessageUidsInMailbox(Mailbox mailbox) throws MailboxException {
        Optional<MetadataSnapshot> snapshot = snapshots.ifCurrent(idOf(mailbox));
        if (snapshot.isPresent()) {
            return snapshot.get().recentUids();
        }
        return uids("SELECT uid FROM mbx_message WHERE mailbox_id = ? AND recent = ? ORDER BY uid", idOf(mailbox), true);
    }

    @Override
    public MessageMetaData add(Mailbox mailbox, MailboxMessage message) throws MailboxException {
        long id = idOf(mailbox);
        MessageTable.Incoming incoming = table.read(message);
        Date saveDate = Date.from(clock.instant());
        Flags flags = message.createFlags();
        MailboxSequences.Allocation allocation = delivery.append(mailbox, id, appends, (connection, allocated) ->
            table.insert(connection, id, allocated.uid(), allocated.modSeq(), message, incoming, flags, saveDate));
        message.setUid(allocation.uid());
        message.setModSeq(allocation.modSeq());
        message.setSaveDate(saveDate);
        snapshots.afterWrite(id, allocation.before(), allocation.after(), held -> held.with(allocation.after(),
            table.metadataMessage(id, allocation.uid().asLong(), message.getMessageId(), message.getThreadId(),
                allocation.modSeq().asLong(), message.getInternalDate().getTime(), Optional.of(saveDate),
                incoming.fullSize(), incoming.header().length, message.getTextualLineCount(), flags, incoming.bodyHash(),
                Optional.empty())));
        return metaData(allocation, flags, incoming, message, saveDate);
    }

    @Override
    public Iterator<UpdatedFlags> updateFlags(Mailbox mailbox, FlagsUpdateCalculator calculator, MessageRange set)
            throws MailboxException {
        return updateFlags(idOf(mailbox), calculator, set.getUidFrom().asLong(), set.getUidTo().asLong()).iterator();
    }

    /** Applies the change to messages {@code from..to} of the mailbox in one transaction. */
    List<UpdatedFlags> updateFlags(long id, FlagsUpdateCalculator calculator, long from, long to) throws MailboxException {
        return flagUpdates.update(id, calculator, from, to);
    }

    @Override
    public MessageMetaData copy(Mailbox mailbox, MailboxMessage original) throws MailboxException {
        return copyOrMove(mailbox, original, false);
    }

    @Override
    public MessageMetaData move(Mailbox mailbox, MailboxMessage original) throws MailboxException {
        return copyOrMove(mailbox, original, true);
    }

    /** Messages held in this mapper's metadata snapshots (tests). */
    long snapshotMessages() {
        return snapshots.heldMessages();
    }

    /** Metadata snapshots this mapper made from the rows (tests). */
    long snapshotsMade() {
        return snapshots.made();
    }

    @Override
    public Optional<MessageUid> getLastUid(Mailbox mailbox) throws MailboxException {
        return sequences.lastUid(mailbox);
    }

    @Override
    public ModSeq getHighestModSeq(Mailbox mailbox) throws MailboxException {
        return sequences.highestModSeq(mailbox);
    }

    /** The system flags and every keyword ever set in the mailbox (incremental, as IMAP FLAGS should be). */
    @Override
    public Flags getApplicableFlag(Mailbox mailbox) throws MailboxException {
        long id = idOf(mailbox);
        Flags flags = new Flags();
        for (Flag flag : new Flag[] {Flag.ANSWERED, Flag.DELETED, Flag.DRAFT, Flag.FLAGGED, Flag.SEEN}) {
            flags.add(flag);
        }
        database.execute(connection -> {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT keyword FROM mbx_applicable_keyword WHERE mailbox_id = ?")) {
                statement.setLong(1, id);
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        flags.add(result.getString(1));
                    }
                }
            }
        });
        return flags;
    }

    @Override
    public Flux<MessageUid> listAllMessageUids(Mailbox mailbox) {
        return Mono.fromCallable(() -> {
                Optional<MetadataSnapshot> snapshot = snapshots.ifCurrent(idOf(mailbox));
                return snapshot.isPresent() ? snapshot.get().uids()
                    : uids("SELECT uid FROM mbx_message WHERE mailbox_id = ? ORDER BY uid", idOf(mailbox));
            })
            .subscribeOn(Schedulers.boundedElastic())
            .flatMapIterable(uids -> uids);
    }

    private MessageMetaData copyOrMove(Mailbox target, MailboxMessage original, boolean move) throws MailboxException {
        long targetId = idOf(target);
        long sourceId = JdbcMailboxId.of(original.getMailboxId()).value();
        MessageTable.Incoming incoming = table.read(original);
        // A stored message loads its properties on first use: do it before the transaction, not inside it.
        original.getProperties();
        Date saveDate = Date.from(clock.instant());
        Flags flags = original.createFlags();
        flags.add(Flag.RECENT);
        List<String> unreferenced = new ArrayList<>();
        MailboxSequences.Allocation allocation = database.inTransaction(connection -> {
            unreferenced.clear();
            // Mailbox rows are locked in id order so that two opposite moves cannot deadlock.
            if (move && sourceId < targetId) {
                MailboxSequences.allocateModSeq(connection, sourceId);
            }
            MailboxSequences.Allocation allocated = MailboxSequences.allocate(connection, targetId);
            if (move && sourceId > targetId) {
                MailboxSequences.allocateModSeq(connection, sourceId);
            }
            table.insert(connection, targetId, allocated.uid(), allocated.modSeq(), original, incoming, flags, saveDate);
            if (move) {
                List<StoredMessage> rows = table.select(connection, "mailbox_id = ? AND uid = ?",
                    List.of(sourceId, original.getUid().asLong()), FetchType.METADATA, 0);
                unreferenced.addAll(table.blobs().release(connection, table.delete(connection, sourceId, rows)));
            }
            return allocated;
        });
        table.blobs().collect(database, unreferenced);
        return metaData(allocation, flags, incoming, original, saveDate);
    }

    private static MessageMetaData metaData(MailboxSequences.Allocation allocation, Flags flags,
                                            MessageTable.Incoming incoming, MailboxMessage message, Date saveDate) {
        return new MessageMetaData(allocation.uid(), allocation.modSeq(), flags, incoming.fullSize(),
            message.getInternalDate(), Optional.of(saveDate), message.getMessageId(), message.getThreadId());
    }

    private List<MessageUid> uids(String sql, Object... parameters) throws MailboxException {
        return database.inTransaction(connection -> {
            List<MessageUid> uids = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                Database.bind(statement, parameters);
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        long uid = result.getLong(1);
                        if (!result.wasNull()) {
                            uids.add(MessageUid.of(uid));
                        }
                    }
                }
            }
            return uids;
        });
    }

    private long count(String sql, Object... parameters) throws MailboxException {
        return database.inTransaction(connection -> count(connection, sql, parameters));
    }

    private static long count(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            Database.bind(statement, parameters);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    private static long idOf(Mailbox mailbox) {
        return JdbcMailboxId.of(mailbox.getMailboxId()).value();
    }
}
