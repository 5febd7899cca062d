package org.postline.mailbox.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The user flags (keywords) of messages in {@code mbx_keyword}, and each mailbox's applicable keywords in
 * {@code mbx_applicable_keyword}. Callers hold the mailbox row lock, so the applicable-keyword check cannot
 * race with another writer.
 */
final class KeywordTable {

    private static final String ADD_APPLICABLE =
        "INSERT INTO mbx_applicable_keyword (mailbox_id, keyword) SELECT id, CAST(? AS VARCHAR(250))"
            + " FROM mbx_mailbox WHERE id = ? AND NOT EXISTS (SELECT 1 FROM mbx_applicable_keyword"
            + " WHERE mailbox_id = ? AND keyword = ?)";

    private KeywordTable() {
    }

    /** The keywords of a newly inserted message. */
    static void insert(Connection connection, long mailboxId, long uid, Set<String> keywords) throws SQLException {
        if (keywords.isEmpty()) {
            return;
        }
        try (PreparedStatement message = connection.prepareStatement(
                "INSERT INTO mbx_keyword (mailbox_id, uid, keyword) VALUES (?, ?, ?)");
             PreparedStatement applicable = connection.prepareStatement(ADD_APPLICABLE)) {
            for (String keyword : keywords) {
                Database.bind(message, mailboxId, uid, keyword);
                message.addBatch();
                Database.bind(applicable, keyword, mailboxId, mailboxId, keyword);
                applicable.executeUpdate();
            }
            message.executeBatch();
        }
    }

    /** Applies the keyword part of each flag change, in two batches. */
    static void update(Connection connection, long mailboxId, List<MessageTable.FlagChange> changes)
            throws SQLException {
        Set<String> everAdded = new HashSet<>();
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM mbx_keyword WHERE mailbox_id = ? AND uid = ? AND keyword = ?");
             PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO mbx_keyword (mailbox_id, uid, keyword) VALUES (?, ?, ?)")) {
            boolean deletes = false;
            boolean inserts = false;
            for (MessageTable.FlagChange change : changes) {
                Set<String> before = Set.of(change.oldFlags().getUserFlags());
                Set<String> after = Set.of(change.newFlags().getUserFlags());
                for (String keyword : before) {
                    if (!after.contains(keyword)) {
                        Database.bind(delete, mailboxId, change.uid(), keyword);
                        delete.addBatch();
                        deletes = true;
                    }
                }
                for (String keyword : after) {
                    if (!before.contains(keyword)) {
                        Database.bind(insert, mailboxId, change.uid(), keyword);
                        insert.addBatch();
                        inserts = true;
                        everAdded.add(keyword);
                    }
                }
            }
            if (deletes) {
                delete.executeBatch();
            }
            if (inserts) {
                insert.executeBatch();
            }
        }
        if (everAdded.isEmpty()) {
            return;
        }
        try (PreparedStatement applicable = connection.prepareStatement(ADD_APPLICABLE)) {
            for (String keyword : everAdded) {
                Database.bind(applicable, keyword, mailboxId, mailboxId, keyword);
                applicable.executeUpdate();
            }
        }
    }

    /**
     * The keywords of the messages within each mailbox's uid bounds ({@code [lowest, highest]}), by mailbox and
     * uid: one range query per mailbox rather than one per message.
     */
    static Map<Long, Map<Long, Set<String>>> of(Connection connection, Map<Long, long[]> uidBoundsByMailbox)
            throws SQLException {
        Map<Long, Map<Long, Set<String>>> keywords = new HashMap<>();
        for (Map.Entry<Long, long[]> bounds : uidBoundsByMailbox.entrySet()) {
            try (PreparedStatement statement = connection.prepareStatement(
                    "SELECT uid, keyword FROM mbx_keyword WHERE mailbox_id = ? AND uid BETWEEN ? AND ?")) {
                Database.bind(statement, bounds.getKey(), bounds.getValue()[0], bounds.getValue()[1]);
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        keywords.computeIfAbsent(bounds.getKey(), k -> new HashMap<>())
                            .computeIfAbsent(result.getLong(1), k -> new HashSet<>())
                            .add(result.getString(2));
                    }
                }
            }
        }
        return keywords;
    }
}
