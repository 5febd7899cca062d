package org.postline.mailbox.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import javax.mail.Flags;

import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.ModSeq;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.UpdatedFlags;
import org.apache.james.mailbox.store.FlagsUpdateCalculator;
import org.apache.james.mailbox.store.mail.MessageMapper.FetchType;

/**
 * Flag changes (IMAP STORE) to a uid range of one mailbox, each in one transaction. The old flags come from this
 * node's metadata snapshot when it is current under the mailbox row lock the change takes first: every writer of
 * a mailbox's messages, on any node, raises that row first, so a snapshot whose stamp is the row's just before
 * the raise holds exactly the committed rows, and no one can write them until the change ends.
 */
final class FlagUpdates {

    /** What a flag change needs to know of one message before it. */
    record FlagState(MessageUid uid, MessageId messageId, ModSeq modSeq, Flags flags) {
    }

    private final MessageTable table;
    private final Database database;
    private final MetadataSnapshots snapshots;

    FlagUpdates(MessageTable table, MetadataSnapshots snapshots) {
        this.table = table;
        this.database = table.database();
        this.snapshots = snapshots;
    }

    /** Applies the change to messages {@code from..to} of the mailbox; a change that changes nothing is rolled back. */
    List<UpdatedFlags> update(long id, FlagsUpdateCalculator calculator, long from, long to) throws MailboxException {
        MailboxSequences.Stamp[] after = new MailboxSequences.Stamp[1];
        List<UpdatedFlags> updates = database.inTransaction(connection -> {
            after[0] = null;
            MailboxSequences.Stamp raised = MailboxSequences.raiseModSeq(connection, id);
            ModSeq modSeq = ModSeq.of(raised.highestModSeq());
            boolean changed = false;
            List<FlagState> messages = before(connection, id, raised.beforeModSeqRaise(), from, to);
            List<UpdatedFlags> result = new ArrayList<>(messages.size());
            List<MessageTable.FlagChange> changes = new ArrayList<>();
            for (FlagState message : messages) {
                Flags oldFlags = message.flags();
                Flags newFlags = calculator.buildNewFlags(oldFlags);
                ModSeq messageModSeq = message.modSeq();
                if (UpdatedFlags.flagsChanged(oldFlags, newFlags)) {
                    changes.add(new MessageTable.FlagChange(message.uid().asLong(), oldFlags, newFlags));
                    messageModSeq = modSeq;
                } else if (!changes.isEmpty()) {
                    // An unchanged message ends the run: runs must cover every row between their ends.
                    table.updateFlags(connection, id, changes, modSeq);
                    changed = true;
                    changes.clear();
                }
                result.add(UpdatedFlags.builder().uid(message.uid()).messageId(message.messageId())
                    .modSeq(messageModSeq).oldFlags(oldFlags).newFlags(newFlags).build());
            }
            if (!changes.isEmpty()) {
                table.updateFlags(connection, id, changes, modSeq);
                changed = true;
            }
            if (changed) {
                after[0] = raised;
            } else {
                connection.rollback();
            }
            return result;
        });
        if (after[0] != null) {
            snapshots.afterWrite(id, after[0].beforeModSeqRaise(), after[0], held -> held.withFlags(after[0], updates));
        }
        return updates;
    }

    /** The messages {@code from..to} as of {@code stamp}, the mailbox row being locked by the caller. */
    private List<FlagState> before(Connection connection, long id, MailboxSequences.Stamp stamp, long from, long to)
            throws SQLException {
        Optional<MetadataSnapshot> snapshot = snapshots.currentUnderLock(connection, id, stamp, from, to);
        if (snapshot.isPresent()) {
            return snapshot.get().flagStates(from, to);
        }
        List<StoredMessage> rows = table.select(connection, "mailbox_id = ? AND uid BETWEEN ? AND ?",
            List.of(id, from, to), FetchType.METADATA, 0);
        List<FlagState> states = new ArrayList<>(rows.size());
        for (StoredMessage row : rows) {
            states.add(new FlagState(row.getUid(), row.getMessageId(), row.getModSeq(), row.createFlags()));
        }
        return states;
    }
}
