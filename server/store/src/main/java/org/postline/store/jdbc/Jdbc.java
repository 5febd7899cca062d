package org.postline.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import javax.sql.DataSource;
import org.postline.api.StoreException;

/**
 * Runs units of work in one transaction each on a pool whose connections have auto-commit off, turning
 * {@link SQLException} into {@link StoreException}. Runtime exceptions thrown by the work (for example a
 * {@link org.postline.api.directory.DirectoryException}) roll back and pass through unchanged.
 */
public final class Jdbc {

    /** One unit of work on a connection. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private final DataSource dataSource;

    public Jdbc(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /**
     * @param action what is being done, for the error message ("add domain")
     * @throws StoreException if the database fails; the message names the action
     */
    public <T> T inTransaction(String action, Work<T> work) {
        try {
            return inTransactionOrThrow(work);
        } catch (SQLException e) {
            throw new StoreException("could not " + action + ": " + e.getMessage(), e);
        }
    }

    /** As {@link #inTransaction} but hands the {@link SQLException} to the caller (to react to a constraint). */
    public <T> T inTransactionOrThrow(Work<T> work) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            if (connection.getAutoCommit()) {
                connection.setAutoCommit(false);
            }
            try {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException | RuntimeException | Error e) {
                rollbackQuietly(connection, e);
                throw e;
            }
        }
    }

    /** True for SQLState class 23: unique key, foreign key or check violated (same codes on Derby and PostgreSQL). */
    public static boolean isConstraintViolation(SQLException e) {
        for (SQLException s = e; s != null; s = s.getNextException()) {
            String state = s.getSQLState();
            if (state != null && state.startsWith("23")) {
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
