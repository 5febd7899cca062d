package org.postline.mailbox.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MailboxId;
import org.apache.james.mailbox.model.MailboxPath;

/**
 * Mailboxes local delivery found by path, so delivering into one INBOX does not look it up in the database per
 * message (a separate transaction that waits on the mailbox row lock held by the appends committing).
 * <p>Only delivery sessions read it ({@code DeliverySession}), and only appends use what they read: each append
 * of a remembered mailbox checks, under the mailbox row lock it takes anyway, that the row still has the path
 * (see {@link #verify}); a row gone or renamed, by this node or another sharing the database, fails the append
 * with {@link MailboxNotFoundException} and drops the entry, and the deliverer looks the path up afresh. This
 * node's own creates, renames, deletes and ACL changes drop the entries they touch at once.
 */
final class DeliveryMailboxes {

    // Bounds memory with many recipients; clearing costs one lookup per recipient afterwards.
    private static final int MAX_ENTRIES = 20_000;

    private final ConcurrentMap<MailboxPath, Mailbox> byPath = new ConcurrentHashMap<>();

    /** A private copy of the remembered mailbox, marked as remembered so its appends verify it. */
    Optional<Mailbox> find(MailboxPath path) {
        Mailbox known = byPath.get(path);
        return known == null ? Optional.empty() : Optional.of(new Remembered(known));
    }

    /** Remembers a mailbox just read from the database (a copy: callers may change theirs). */
    Mailbox remember(Mailbox found) {
        if (byPath.size() >= MAX_ENTRIES) {
            byPath.clear();
        }
        byPath.put(found.generateAssociatedPath(), new Mailbox(found));
        return found;
    }

    void forget(MailboxPath path) {
        byPath.remove(path);
    }

    void forget(MailboxId id) {
        byPath.values().removeIf(known -> known.getMailboxId().equals(id));
    }

    int size() {
        return byPath.size();
    }

    /**
     * Appends by {@code appends}, first verifying a remembered mailbox in the append's transaction; a mailbox
     * found gone is forgotten.
     */
    MailboxSequences.Allocation append(Mailbox mailbox, long id, GroupedAppends appends, GroupedAppends.Insert insert)
            throws MailboxException {
        boolean remembered = mailbox instanceof Remembered;
        try {
            return appends.append(id, (connection, allocated) -> {
                if (remembered) {
                    verify(connection, mailbox, id);
                }
                insert.run(connection, allocated);
            });
        } catch (MailboxNotFoundException gone) {
            forget(mailbox.getMailboxId());
            throw gone;
        }
    }

    /**
     * Within the append's transaction, after it locked the mailbox row: fails if the row no longer has the path
     * the mailbox was remembered under.
     */
    static void verify(Connection connection, Mailbox mailbox, long id) throws SQLException, MailboxException {
        MailboxPath expected = mailbox.generateAssociatedPath();
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT namespace_name, owner_name, mailbox_name FROM mbx_mailbox WHERE id = ?")) {
            statement.setLong(1, id);
            try (ResultSet row = statement.executeQuery()) {
                String owner = expected.getUser() == null ? "" : expected.getUser().asString();
                if (!row.next() || !Objects.equals(row.getString(1), expected.getNamespace())
                        || !Objects.equals(row.getString(2), owner) || !Objects.equals(row.getString(3), expected.getName())) {
                    throw new MailboxNotFoundException(expected);
                }
            }
        }
    }

    /** A copy handed out from memory: equal to the database's mailbox, but its appends verify it. */
    private static final class Remembered extends Mailbox {
        Remembered(Mailbox known) {
            super(known);
        }
    }
}
