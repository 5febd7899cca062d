package org.postline.broker;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many mails the broker's queues hold, all nodes together, for back-pressure: the contents waiting in
 * the database, counted at most once a second.
 */
final class QueueSize {

    private static final Logger LOG = LoggerFactory.getLogger(QueueSize.class);
    private static final long FRESH_MILLIS = 1_000;

    private final DataSource dataSource;
    private final Clock clock;
    private long countedAt;
    private boolean stale = true;
    private long count;

    QueueSize(DataSource dataSource, Clock clock) {
        this.dataSource = dataSource;
        this.clock = clock;
    }

    synchronized long get() {
        long now = clock.millis();
        if (stale || now - countedAt >= FRESH_MILLIS) {
            try (Connection c = dataSource.getConnection();
                 PreparedStatement query = c.prepareStatement("SELECT COUNT(*) FROM blobs WHERE area = ?")) {
                query.setString(1, BrokerSpool.AREA);
                try (ResultSet rows = query.executeQuery()) {
                    rows.next();
                    count = rows.getLong(1);
                }
                c.commit();
                countedAt = now;
                stale = false;
            } catch (SQLException e) {
                LOG.warn("could not count the queued mail; using the last count", e);
            }
        }
        return count;
    }

    /** The next {@link #get} counts again. */
    synchronized void changed() {
        stale = true;
    }
}
