package org.postline.mailbox.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL on the {@code subject_key} column and its index (migration V5): see {@link SubjectKey}. */
final class SubjectIndex {

    private SubjectIndex() {
    }

    /**
     * Candidates of a subject search: uids in order, or none if there were more than the limit; whether
     * some rows still lack a subject key (written before migration V5), which always makes them candidates.
     */
    record SubjectCandidates(Optional<List<Long>> uids, boolean unfilled) {
    }

    /** The messages of a mailbox whose subject key matches every pattern ({@link SubjectKey#patterns}) or is unknown. */
    static SubjectCandidates candidates(Connection connection, long mailboxId, List<String> patterns, int limit)
            throws SQLException {
        String matching = String.join(" AND ", Collections.nCopies(patterns.size(),
            "subject_key LIKE ? ESCAPE '" + SubjectKey.ESCAPE + "'"));
        List<Long> uids = new ArrayList<>();
        boolean unfilled = false;
        // Derby's optimizer may prefer the primary key (then reads every row); the hint is a comment elsewhere.
        try (PreparedStatement statement = connection.prepareStatement("SELECT uid, subject_key FROM mbx_message"
                + " --DERBY-PROPERTIES index=mbx_message_by_subject\n"
                + " WHERE mailbox_id = ? AND ((" + matching + ") OR subject_key = ? OR subject_key IS NULL)")) {
            List<Object> parameters = new ArrayList<>();
            parameters.add(mailboxId);
            parameters.addAll(patterns);
            parameters.add(SubjectKey.UNKNOWN);
            Database.bind(statement, parameters.toArray());
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    if (uids.size() == limit) {
                        return new SubjectCandidates(Optional.empty(), true);
                    }
                    uids.add(result.getLong(1));
                    unfilled |= result.getString(2) == null;
                }
            }
        }
        uids.sort(null);
        return new SubjectCandidates(Optional.of(uids), unfilled);
    }

    /** Gives up to {@code max} rows of the mailbox written before migration V5 their subject key; returns how many. */
    static int fill(Connection connection, long mailboxId, int max) throws SQLException {
        Map<Long, String> keys = new LinkedHashMap<>();
        try (PreparedStatement query = connection.prepareStatement("SELECT uid, header_bytes FROM mbx_message"
                + " WHERE mailbox_id = ? AND subject_key IS NULL FETCH FIRST " + max + " ROWS ONLY")) {
            query.setLong(1, mailboxId);
            try (ResultSet result = query.executeQuery()) {
                while (result.next()) {
                    keys.put(result.getLong(1), SubjectKey.of(result.getBytes(2)));
                }
            }
        }
        if (keys.isEmpty()) {
            return 0;
        }
        try (PreparedStatement update = connection.prepareStatement("UPDATE mbx_message SET subject_key = ?"
                + " WHERE mailbox_id = ? AND uid = ? AND subject_key IS NULL")) {
            for (Map.Entry<Long, String> key : keys.entrySet()) {
                Database.bind(update, key.getValue(), mailboxId, key.getKey());
                update.addBatch();
            }
            update.executeBatch();
        }
        return keys.size();
    }
}
