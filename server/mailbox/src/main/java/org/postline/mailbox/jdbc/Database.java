package org.postline.mailbox.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

import javax.sql.DataSource;

import org.apache.james.mailbox.exception.MailboxException;
import org.postline.api.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs units of work in their own JDBC transaction. Every mapper call is one transaction, because James
 * drives the mappers from Reactor pipelines that hop threads, so a transaction cannot be bound to a thread.
 * Deadlocks, lock time-outs and lost insert races are retried a few times.
 */
final class Database {

    /** A unit of work inside one transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException, MailboxException;
    }

    /** Thrown by work that lost a race (e.g. a duplicate insert) and wants the whole transaction re-run. */
    static final class RetryTransaction extends RuntimeException {
        RetryTransaction(SQLException cause) {
            super(cause);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final int ATTEMPTS = 8;
    /** Upper bound of the first pause after a conflict; it doubles per attempt (random below it, so rivals part). */
    private static final long FIRST_BACKOFF_MILLIS = 5;
    // Derby deadlock / lock time-out, PostgreSQL serialization failure / deadlock.
    private static final Set<String> RETRYABLE_STATES = Set.of("40001", "40XL1", "40XL2", "40P01");
    static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;

    Database(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Runs the work in a transaction; a work that returns normally is committed, anything else rolled back. */
    public <T> T inTransaction(Work<T> work) throws MailboxException {
        SQLException lastRetryable = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try (Connection connection = dataSource.getConnection()) {
                boolean autoCommit = connection.getAutoCommit();
                if (autoCommit) {
                    connection.setAutoCommit(false);
                }
                try {
                    T result = work.run(connection);
                    connection.commit();
                    return result;
                } catch (SQLException | MailboxException | RuntimeException | Error e) {
                    rollbackQuietly(connection, e);
                    throw e;
                } finally {
                    if (autoCommit) {
                        connection.setAutoCommit(true);
                    }
                }
            } catch (RetryTransaction e) {
                lastRetryable = (SQLException) e.getCause();
            } catch (SQLException e) {
                if (!isRetryable(e)) {
                    throw new MailboxException("Mailbox database failure: " + e.getMessage(), e);
                }
                lastRetryable = e;
            }
            backOff(attempt, lastRetryable);
        }
        // Callers report only the message; where the last conflict came from (a lock, Derby's sequence updater,
        // ...) is in its stack, which the next occurrence of a rare contention must show.
        LOG.warn("Mailbox transaction gave up after {} attempts; the last conflict:", ATTEMPTS, lastRetryable);
        throw new MailboxException("Mailbox database stayed contended after " + ATTEMPTS + " attempts", lastRetryable);
    }

    /**
     * Waits a random while before the next attempt: transactions that collided and retry at once tend to
     * collide again (a delivery failing this way would end in the error repository).
     */
    private static void backOff(int attempt, SQLException conflict) throws MailboxException {
        if (attempt == ATTEMPTS - 1) {
            return;
        }
        try {
            Thread.sleep(ThreadLocalRandom.current().nextLong(1, (FIRST_BACKOFF_MILLIS << attempt) + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MailboxException("Interrupted while retrying a contended mailbox transaction", conflict);
        }
    }

    /** As {@link #inTransaction} for callers whose interface allows no checked exception. */
    public <T> T inTransactionUnchecked(Work<T> work) {
        try {
            return inTransaction(work);
        } catch (MailboxException e) {
            throw new StoreException(e.getMessage(), e);
        }
    }

    /** Work that needs no result. */
    @FunctionalInterface
    public interface VoidWork {
        void run(Connection connection) throws SQLException, MailboxException;
    }

    public void execute(VoidWork work) throws MailboxException {
        inTransaction(connection -> {
            work.run(connection);
            return null;
        });
    }

    static int update(Connection connection, String sql, Object... parameters) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            bind(statement, parameters);
            return statement.executeUpdate();
        }
    }

    static void bind(PreparedStatement statement, Object... parameters) throws SQLException {
        for (int i = 0; i < parameters.length; i++) {
            if (parameters[i] == null) {
                statement.setNull(i + 1, statement.getParameterMetaData().getParameterType(i + 1));
            } else {
                statement.setObject(i + 1, parameters[i]);
            }
        }
    }

    static boolean isUniqueViolation(SQLException e) {
        return UNIQUE_VIOLATION.equals(e.getSQLState());
    }

    private static boolean isRetryable(SQLException e) {
        for (SQLException current = e; current != null; current = current.getNextException()) {
            if (RETRYABLE_STATES.contains(current.getSQLState())) {
                return true;
            }
        }
        return false;
    }

    private static void rollbackQuietly(Connection connection, Throwable cause) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            cause.addSuppressed(e);
        }
    }
}
