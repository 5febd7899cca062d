package org.postline.app.admin;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.postline.api.queue.Envelope;
import org.postline.store.jdbc.Jdbc;
import org.postline.store.queue.EnvelopeCodec;

/**
 * Reads what waits in the store's queues (the incoming spool, the outgoing queues of remote delivery) without
 * claiming anything: the {@link org.postline.api.queue.Spool} contract only hands mail out by claiming it, and
 * looking must not take mail from a running server's workers. Reads the store's {@code spool} table directly.
 */
final class QueueBrowser {

    /**
     * A mail waiting in a queue, and when it may next be tried.
     *
     * @param envelope empty when the stored envelope cannot be read (the queue leaves such a mail untouched)
     */
    record QueuedMail(String queue, String id, Instant stored, int failedAttempts, String lastFailure,
                      Instant notBefore, Optional<Envelope> envelope) {
    }

    private final Jdbc jdbc;

    QueueBrowser(DataSource dataSource) {
        this.jdbc = new Jdbc(dataSource);
    }

    /** @param queue one queue, or every queue (ordered by queue name); within a queue oldest first */
    List<QueuedMail> list(Optional<String> queue) {
        return jdbc.inTransaction("list the queues", c -> {
            List<QueuedMail> found = new ArrayList<>();
            try (PreparedStatement query = c.prepareStatement("SELECT queue_name, id, envelope, size_bytes,"
                    + " stored_at_ms, failed_attempts, last_failure, not_before_ms FROM spool"
                    + (queue.isPresent() ? " WHERE queue_name = ?" : "") + " ORDER BY queue_name, stored_at_ms, id")) {
                if (queue.isPresent()) {
                    query.setString(1, queue.get());
                }
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        found.add(read(rows));
                    }
                }
            }
            return found;
        });
    }

    private static QueuedMail read(ResultSet rows) throws SQLException {
        Optional<Envelope> envelope;
        try {
            envelope = Optional.of(EnvelopeCodec.decode(rows.getString(3)));
        } catch (IllegalArgumentException e) {
            envelope = Optional.empty();
        }
        String lastFailure = rows.getString(7);
        return new QueuedMail(rows.getString(1), rows.getString(2), Instant.ofEpochMilli(rows.getLong(5)),
                rows.getInt(6), lastFailure == null ? "" : lastFailure, Instant.ofEpochMilli(rows.getLong(8)), envelope);
    }
}
