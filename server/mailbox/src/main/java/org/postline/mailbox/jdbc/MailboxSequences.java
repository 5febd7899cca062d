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
    record Allocation(MessageUid uid, ModSeq modSeq) {
    }

    private final Database database;

    MailboxSequences(Database database) {
        this.database = database;
    }

    /** Within the caller's transaction: the next uid and modseq of the mailbox, its row locked until the end. */
    static Allocation allocate(Connection connection, long mailboxId) throws SQLException, MailboxException {
        raise(connection, mailboxId, "last_uid = last_uid + 1, highest_modseq = highest_modseq + 1");
        long[] values = read(connection, mailboxId);
        return new Allocation(MessageUid.of(values[0]), ModSeq.of(values[1]));
    }

    /**
     * Within the caller's transaction: the next {@code count} uids and modseqs of the mailbox, one apart, in one
     * raise of its row (locked until the end), for a group of appends committed together.
     */
    static List<Allocation> allocate(Connection connection, long mailboxId, int count) throws SQLException, MailboxException {
        if (Database.update(connection, "UPDATE mbx_mailbox SET last_uid = last_uid + ?, highest_modseq = highest_modseq + ?"
                + " WHERE id = ?", (long) count, (long) count, mailboxId) == 0) {
            throw new MailboxNotFoundException(new JdbcMailboxId(mailboxId));
        }
        long[] values = read(connection, mailboxId);
        List<Allocation> allocations = new ArrayList<>(count);
        for (int i = count - 1; i >= 0; i--) {
            allocations.add(new Allocation(MessageUid.of(values[0] - i), ModSeq.of(values[1] - i)));
        }
        return allocations;
    }

    /** Within the caller's transaction: the next modseq of the mailbox, its row locked until the end. */
    static ModSeq allocateModSeq(Connection connection, long mailboxId) throws SQLException, MailboxException {
        raise(connection, mailboxId, "highest_modseq = highest_modseq + 1");
        return ModSeq.of(read(connection, mailboxId)[1]);
    }

    /** Within the caller's transaction: makes sure the counters are at least these (messages saved with given ids). */
    static void raiseTo(Connection connection, long mailboxId, MessageUid uid, ModSeq modSeq) throws SQLException, MailboxException {
        int updated = Database.update(connection, "UPDATE mbx_mailbox SET"
                + " last_uid = CASE WHEN last_uid < ? THEN ? ELSE last_uid END,"
                + " highest_modseq = CASE WHEN highest_modseq < ? THEN ? ELSE highest_modseq END WHERE id = ?",
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
            return MessageUid.of(read(connection, id)[0]);
        });
    }

    @Override
    public Optional<MessageUid> lastUid(Mailbox mailbox) throws MailboxException {
        long last = current(mailbox.getMailboxId())[0];
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
        return ModSeq.of(current(mailboxId)[1]);
    }

    private long[] current(MailboxId mailboxId) throws MailboxException {
        long id = JdbcMailboxId.of(mailboxId).value();
        return database.inTransaction(connection -> read(connection, id));
    }

    private static void raise(Connection connection, long mailboxId, String assignments) throws SQLException, MailboxException {
        if (Database.update(connection, "UPDATE mbx_mailbox SET " + assignments + " WHERE id = ?", mailboxId) == 0) {
            throw new MailboxNotFoundException(new JdbcMailboxId(mailboxId));
        }
    }

    private static long[] read(Connection connection, long mailboxId) throws SQLException, MailboxException {
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT last_uid, highest_modseq FROM mbx_mailbox WHERE id = ?")) {
            statement.setLong(1, mailboxId);
            try (ResultSet result = statement.executeQuery()) {
                if (!result.next()) {
                    throw new MailboxNotFoundException(new JdbcMailboxId(mailboxId));
                }
                return new long[] {result.getLong(1), result.getLong(2)};
            }
        }
    }
}
