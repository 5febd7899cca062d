package org.postline.store.queue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * The database side of a claim of one queue: its oldest ready rows, skipping those already held (not read
 * from the table nor handed out again), and the content of the small mails it hands out, read in the same
 * transaction so that each later open of the mail needs no query of its own.
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
     * @param limit  rows to walk at most (held ones included)
     * @param wanted how many the claim takes: the content of the first {@code wanted} rows found is read
     * @param read   receives what was read of the content of those rows, by id
     */
    static List<SpooledMail> ready(Connection c, String queue, long now, int limit, Set<String> held, int wanted,
                                   Map<String, Claimed> read) throws SQLException {
        read.clear();
        Map<String, Long> sizes = new LinkedHashMap<>();
        // Every column here is in spool_queue_age (V8): the walk past held rows reads the index alone. The Derby
        // hint (a comment elsewhere) makes it walk that index instead of sorting the ready rows.
        try (PreparedStatement query = c.prepareStatement("SELECT id, size_bytes FROM spool"
                + " --DERBY-PROPERTIES index=spool_queue_age\n"
                + " WHERE queue_name = ? AND not_before_ms <= ? ORDER BY queue_name, stored_at_ms, id")) {
            query.setMaxRows(limit);
            query.setString(1, queue);
            query.setLong(2, now);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    String id = rows.getString(1);
                    if (!held.contains(id)) {
                        sizes.put(id, rows.getLong(2));
                    }
                }
            }
        }
        List<SpooledMail> found = new ArrayList<>();
        try (PreparedStatement small = c.prepareStatement("SELECT envelope, size_bytes, stored_at_ms,"
                + " failed_attempts, last_failure, content FROM spool WHERE id = ?");
             PreparedStatement large = c.prepareStatement("SELECT envelope, size_bytes, stored_at_ms,"
                     + " failed_attempts, last_failure FROM spool WHERE id = ?")) {
            for (Map.Entry<String, Long> row : sizes.entrySet()) {
                String id = row.getKey();
                // A small mail handed out now brings its content along; a large one is opened where it is.
                boolean withContent = found.size() < wanted && row.getValue() <= BlobStore.INLINE_LIMIT;
                PreparedStatement query = withContent ? small : large;
                query.setString(1, id);
                try (ResultSet rows = query.executeQuery()) {
                    if (!rows.next()) {
                        continue; // completed since the walk
                    }
                    Optional<SpooledMail> mail = readMail(rows, id, queue);
                    if (mail.isPresent()) {
                        found.add(mail.get());
                        if (withContent) {
                            byte[] content = rows.getBytes(6);
                            read.put(id, new Claimed(content != null, Optional.ofNullable(content)));
                        }
                    }
                }
            }
        }
        return found;
    }

    private static Optional<SpooledMail> readMail(ResultSet rows, String id, String queue) throws SQLException {
        try {
            Envelope envelope = EnvelopeCodec.decode(rows.getString(1));
            return Optional.of(new SpooledMail(id, envelope, rows.getLong(2),
                    Instant.ofEpochMilli(rows.getLong(3)), rows.getInt(4), rows.getString(5)));
        } catch (IllegalArgumentException e) {
            LOG.error("Mail {} has an unreadable envelope and stays in queue {} untouched: {}", id, queue,
                    e.getMessage());
            return Optional.empty();
        }
    }
}
