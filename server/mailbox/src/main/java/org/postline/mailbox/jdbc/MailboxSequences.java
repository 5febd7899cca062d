package org.postline.mailbox.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.store.mail.ModSeqProvider;
import org.apache.james.mailbox.store.mail.UidProvider;

/**
 * UIDNEXT and HIGHESTMODSEQ live in the mailbox row. Raising them takes that row's write lock until the
 * transaction ends, which is what orders appends and flag changes within one mailbox: a UID becomes
 * visible only together with every smaller one.
 */
final class MailboxSequences implements UidProvider, ModSeqProvider {

    /** The values a transaction obtained after raising them. */
    record Allocation(MessageUid uid, ModSeq modSeq, Stamp after) {
        /** The mailbox's stamp just before this allocation. */
        Stamp before() {
            return new Stamp(after.lastUid() - 1, after.highestModSeq() - 1, after.changeCount() - 1);
        }
    }

    /**
     * What the mailbox row says about its messages: any transaction that changes them moves at least
     * {@code changeCount}, so equal stamps mean the same messages, flags and modseqs.
     */
    record Stamp(long lastUid, long highestModSeq, long changeCount) {
        /** The stamp this one was raised from by {@link #raiseModSeq}. */
        Stamp beforeModSeqRaise() {
            return new Stamp(lastUid, highestModSeq - 1, changeCount - 1);
        }
    }

    private final Database database;

    MailboxSequences(Database database) {
        this.database = database;
    }

    /** Within the caller's transaction: the next uid and modseq of the mailbox, its row locked until the end. */
    static Allocation allocate(Connection connection, long mailboxId) throws SQLException, MailboxException {
        raise(connection, mailboxId, "last_uid = last_uid + 1, highest_modseq = highest_modseq + 1");
        Stamp after = read(connection, mailboxId);
        return new Allocation(MessageUid.of(after.lastUid()), ModSeq.of(after.highestModSeq()), after);
    }

    /**
     * Within the caller's transaction: the next {@code count} uids and modseqs of the mailbox, one apart, in one
     * raise of its row (locked until the end), for a group of appends committed together. The change count moves
     * by {@code count} too, so each allocation's stamps are those of appends committed one by one, and a node's
     * metadata snapshot patched with each of them in turn ends at the row's stamp.
     */
    static List<Allocation> allocate(Connection connection, long mailboxId, int count) throws SQLException, MailboxException {
        if (Database.update(connection, "UPDATE mbx_mailbox SET last_uid = last_uid + ?, highest_modseq = highest_modseq + ?,"
                + " change_count = change_count + ? WHERE id = ?", (long) count, (long) count, (long) count, mailboxId) == 0) {
            throw new MailboxNotFoundException(new JdbcMailboxId(mailboxId));
        }
        Stamp last = read(connection, mailboxId);
        List<Allocation> allocations = new ArrayList<>(count);
        for (int i = count - 1; i >= 0; i--) {
            Stamp after = new Stamp(last.lastUid() - i, last.highestModSeq() - i, last.changeCount() - i);
            allocations.add(new Allocation(MessageUid.of(after.lastUid()), ModSeq.of(after.highestModSeq()), after));
        }
        return allocations;
    }

    /** Within the caller's transaction: the next modseq of the mailbox, its row locked until the end. */
    static ModSeq allocateModSeq(Connection connection, long mailboxId) throws SQLException, MailboxException {
        return ModSeq.of(raiseModSeq(connection, mailboxId).highestModSeq());
    }

    /** As {@link #allocateModSeq}, giving the mailbox's stamp after it. */
    static Stamp raiseModSeq(Connection connection, long mailboxId) throws SQLException, MailboxException {
        raise(connection, mailboxId, "highest_modseq = highest_modseq + 1");
        return read(connection, mailboxId);
    }

    /** Within the caller's transaction: makes sure the counters are at least these (messages saved with given ids). */
    static void raiseTo(Connection connection, long mailboxId, MessageUid uid, ModSeq modSeq) throws SQLException, MailboxException {
        int updated = Database.update(connection, "UPDATE mbx_mailbox SET"
                + " last_uid = CASE WHEN last_uid < ? THEN ? ELSE last_uid END,"
                + " highest_modseq = CASE WHEN highest_modseq < ? THEN ? ELSE highest_modseq END,"
                + " change_count = change_count + 1 WHERE id = ?",
            uid.asLong(), uid.asLong(), modSeq.asLong(), modSeq.asLong(), mailboxId);
        if (updated == 0) {
            throw new MailboxNotFoundException(new JdbcMailboxId(mailboxId));
        }
    }

    @Override
    public MessageUid nextUid(Mailbox mailbox) throws MailboxException {
        return nextUid(mailbox.getMailboxId());
    }

    @Override
    public MessageUid nextUid(MailboxId mailboxId) throws MailboxException {
        long id = JdbcMailboxId.of(mailboxId).value();
        return database.inTransaction(connection -> {
            raise(connection, id, "last_uid = last_uid + 1");
            return MessageUid.of(read(connection, id).lastUid());
        });
    }

    @Override
    public Optional<MessageUid> lastUid(Mailbox mailbox) throws MailboxException {
        long last = current(mailbox.getMailboxId()).lastUid();
        return last == 0 ? Optional.empty() : Optional.of(MessageUid.of(last));
    }

    @Override
    public ModSeq nextModSeq(Mailbox mailbox) throws MailboxException {
        return nextModSeq(mailbox.getMailboxId());
    }

    @Override
    public ModSeq nextModSeq(MailboxId mailboxId) throws MailboxException {
        long id = JdbcMailboxId.of(mailboxId).value();
        return database.inTransaction(connection -> allocateModSeq(connection, id));
    }

    @Override
    public ModSeq highestModSeq(Mailbox mailbox) throws MailboxException {
        return highestModSeq(mailbox.getMailboxId());
    }

    @Override
    public ModSeq highestModSeq(MailboxId mailboxId) throws MailboxException {
        return ModSeq.of(current(mailboxId).highestModSeq());
    }

    private Stamp current(MailboxId mailboxId) throws MailboxException {
        long id = JdbcMailboxId.of(mailboxId).value();
        return database.inTransaction(connection -> read(connection, id));
    }

    private static void raise(Connection connection, long mailboxId, String assignments) throws SQLException, MailboxException {
        if (Database.update(connection, "UPDATE mbx_mailbox SET " + assignments + ", change_count = change_count + 1"
                + " WHERE id = ?", mailboxId) == 0) {
            throw new MailboxNotFoundException(new JdbcMailboxId(mailboxId));
        }
    }

    /** The mailbox's stamp, or empty if it no longer exists. */
    static Optional<Stamp> stamp(Connection connection, long mailboxId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT last_uid, highest_modseq, change_count FROM mbx_mailbox WHERE id = ?")) {
            statement.setLong(1, mailboxId);
            try (ResultSet result = statement.executeQuery()) {
                return result.next()
                    ? Optional.of(new Stamp(result.getLong(1), result.getLong(2), result.getLong(3)))
                    : Optional.empty();
            }
        }
    }

    private static Stamp read(Connection connection, long mailboxId) throws SQLException, MailboxException {
        return stamp(connection, mailboxId).orElseThrow(() -> new MailboxNotFoundException(new JdbcMailboxId(mailboxId)));
    }
}
