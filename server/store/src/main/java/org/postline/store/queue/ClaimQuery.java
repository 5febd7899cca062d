package org.postline.store.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.SpooledMail;
import org.postline.store.blob.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database side of a claim of one queue: its oldest ready rows, skipping those already held (neither
 * decoded nor handed out again), and the content of the small mails it hands out, read in the same transaction
 * so that each later open of the mail needs no query of its own.
 */
final class ClaimQuery {

    private static final Logger LOG = LoggerFactory.getLogger(ClaimQuery.class);

    /**
     * Where a claimed mail's content is: a small content in the row is kept for every open of the mail (the
     * pipeline opens it more than once), and the completion knows without a query whether a blob file goes
     * with the row. Content never changes while the mail is in the queue.
     */
    record Claimed(boolean contentInRow, Optional<byte[]> content) {
    }

    private ClaimQuery() {
    }

    /**
     * @param limit  rows to read at most (held ones included)
     * @param wanted how many the claim takes: the content of the first {@code wanted} rows found is read
     * @param read   receives what was read of the content of those rows, by id
     */
    static List<SpooledMail> ready(Connection c, String queue, long now, int limit, Set<String> held, int wanted,
                                   Map<String, Claimed> read) throws SQLException {
        read.clear();
        List<SpooledMail> found = new ArrayList<>();
        // The Derby hint (a comment elsewhere) makes it walk the age index instead of sorting the ready rows.
        try (PreparedStatement query = c.prepareStatement("SELECT id, envelope, size_bytes, stored_at_ms,"
                + " failed_attempts, last_failure FROM spool --DERBY-PROPERTIES index=spool_queue_age\n"
                + " WHERE queue_name = ? AND not_before_ms <= ? ORDER BY queue_name, stored_at_ms, id")) {
            query.setMaxRows(limit);
            query.setString(1, queue);
            query.setLong(2, now);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String id = rows.getString(1);
                    if (!held.contains(id)) {
                        readMail(rows, id, queue).ifPresent(found::add);
                    }
                }
            }
        }
        readContent(c, found.subList(0, Math.min(wanted, found.size())), read);
        return found;
    }

    private static void readContent(Connection c, List<SpooledMail> mails, Map<String, Claimed> read)
            throws SQLException {
        try (PreparedStatement query = c.prepareStatement("SELECT content FROM spool WHERE id = ?")) {
            for (SpooledMail mail : mails) {
                if (mail.size() > BlobStore.INLINE_LIMIT) {
                    continue; // large: opened from where it is, each time; its removal asks where that is
                }
                query.setString(1, mail.id());
                try (ResultSet rows = query.executeQuery()) {
                    if (rows.next()) {
                        byte[] content = rows.getBytes(1);
                        read.put(mail.id(), new Claimed(content != null, Optional.ofNullable(content)));
                    }
                }
            }
        }
    }

    private static Optional<SpooledMail> readMail(ResultSet rows, String id, String queue) throws SQLException {
        try {
            Envelope envelope = EnvelopeCodec.decode(rows.getString(2));
            return Optional.of(new SpooledMail(id, envelope, rows.getLong(3),
                    Instant.ofEpochMilli(rows.getLong(4)), rows.getInt(5), rows.getString(6)));
        } catch (IllegalArgumentException e) {
            LOG.error("Mail {} has an unreadable envelope and stays in queue {} untouched: {}", id, queue,
                    e.getMessage());
            return Optional.empty();
        }
    }
}
