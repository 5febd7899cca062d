package org.postline.mailbox.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import javax.mail.Flags;
import javax.mail.Flags.Flag;

import org.apache.james.mailbox.ModSeq;

/**
 * The UPDATEs that write new system flags and the modseq of runs of messages. Each sets only the flag columns
 * some message of its run changes: Derby then neither rewrites nor logs the others, and leaves alone the
 * indexes on them (seen, recent), which a STORE of another flag otherwise checks row by row.
 */
final class FlagColumnUpdates {

    private static final Flag[] FLAGS = {Flag.ANSWERED, Flag.DELETED, Flag.DRAFT, Flag.FLAGGED, Flag.RECENT, Flag.SEEN};
    private static final String[] COLUMNS = {"answered", "deleted", "draft", "flagged", "recent", "seen"};

    private FlagColumnUpdates() {
    }

    /**
     * {@code changes} must be in uid order and each run of consecutive changes with the same new system flags
     * must hold every row of the mailbox between its first and last uid: such a run is one UPDATE.
     */
    static void write(Connection connection, long mailboxId, List<MessageTable.FlagChange> changes, ModSeq modSeq)
            throws SQLException {
        Map<Integer, PreparedStatement> updates = new HashMap<>();
        try {
            int runStart = 0;
            int changed = 0;
            for (int i = 0; i < changes.size(); i++) {
                if (i > runStart && !sameSystemFlags(changes.get(runStart), changes.get(i))) {
                    addRun(connection, updates, changed, mailboxId, changes.subList(runStart, i), modSeq);
                    runStart = i;
                    changed = 0;
                }
                changed |= changedColumns(changes.get(i));
            }
            if (runStart < changes.size()) {
                addRun(connection, updates, changed, mailboxId, changes.subList(runStart, changes.size()), modSeq);
            }
            for (PreparedStatement update : updates.values()) {
                update.executeBatch();
            }
        } finally {
            for (PreparedStatement update : updates.values()) {
                update.close();
            }
        }
    }

    private static void addRun(Connection connection, Map<Integer, PreparedStatement> updates, int columns,
                               long mailboxId, List<MessageTable.FlagChange> run, ModSeq modSeq) throws SQLException {
        PreparedStatement update = updates.get(columns);
        if (update == null) {
            update = connection.prepareStatement(sql(columns));
            updates.put(columns, update);
        }
        Flags flags = run.get(0).newFlags();
        int parameter = 1;
        for (int c = 0; c < FLAGS.length; c++) {
            if ((columns & (1 << c)) != 0) {
                update.setBoolean(parameter++, flags.contains(FLAGS[c]));
            }
        }
        update.setLong(parameter++, modSeq.asLong());
        update.setLong(parameter++, mailboxId);
        update.setLong(parameter++, run.get(0).uid());
        update.setLong(parameter, run.get(run.size() - 1).uid());
        update.addBatch();
    }

    /** Bit c is set when the change turns system flag FLAGS[c] on or off. */
    private static int changedColumns(MessageTable.FlagChange change) {
        int columns = 0;
        for (int c = 0; c < FLAGS.length; c++) {
            if (change.oldFlags().contains(FLAGS[c]) != change.newFlags().contains(FLAGS[c])) {
                columns |= 1 << c;
            }
        }
        return columns;
    }

    private static String sql(int columns) {
        StringBuilder sql = new StringBuilder("UPDATE mbx_message SET ");
        for (int c = 0; c < FLAGS.length; c++) {
            if ((columns & (1 << c)) != 0) {
                sql.append(COLUMNS[c]).append(" = ?, ");
            }
        }
        return sql.append("modseq = ? WHERE mailbox_id = ? AND uid BETWEEN ? AND ?").toString();
    }

    private static boolean sameSystemFlags(MessageTable.FlagChange a, MessageTable.FlagChange b) {
        return Arrays.equals(a.newFlags().getSystemFlags(), b.newFlags().getSystemFlags());
    }
}
