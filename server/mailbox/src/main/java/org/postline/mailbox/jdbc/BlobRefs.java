package org.postline.mailbox.jdbc;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

import org.apache.james.mailbox.exception.MailboxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reference counts of bodies, kept in {@code mbx_blob} inside the caller's transaction.
 * <p>Rules that keep a referenced file from ever going missing:
 * <ul>
 * <li>whoever holds the row lock after raising a count makes sure the file exists before committing;</li>
 * <li>a count that drops to zero is committed first; a separate transaction ({@link #collect}) then
 *     deletes the row only if it is still zero and removes the file while holding that row lock.</li>
 * </ul>
 * A crash may leave a zero row or an unreferenced file behind (collected by {@link #collectAllUnreferenced}),
 * never a reference without its file.
 */
final class BlobRefs {

    private static final Logger LOGGER = LoggerFactory.getLogger(BlobRefs.class);

    // Bodies acquired lately (a fan-out to many recipients meets one body again and again): raised first.
    private static final int RECENT_BODIES = 1024;

    private final BodyStore bodies;
    private final Map<String, Boolean> recent = Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > RECENT_BODIES;
        }
    });
    private volatile Boolean statementLevelRollback;

    BlobRefs(BodyStore bodies) {
        this.bodies = bodies;
    }

    BodyStore bodies() {
        return bodies;
    }

    /**
     * Adds one reference to this content, storing it (durably) if it is not there yet.
     * <p>A body this node has not met lately is most likely new: on Derby, where a failed statement leaves the
     * transaction usable, its row is inserted first, saving the raise that would miss; a unique violation
     * (another message has it) falls back to the raise. PostgreSQL would abort the transaction, so it raises first.
     * @return the row's id, for the message to read its body by
     */
    long acquire(Connection connection, BlobFiles.Digest digest, BlobFiles.Source source) throws SQLException, MailboxException {
        String hash = digest.hash();
        boolean metLately = recent.containsKey(hash);
        recent.put(hash, Boolean.TRUE);
        if (!metLately && failedStatementKeepsTransaction(connection)) {
            OptionalLong id = insertUnlessPresent(connection, digest);
            if (id.isPresent()) {
                bodies.store(connection, digest, source);
                return id.getAsLong();
            }
        }
        if (!increment(connection, hash)) {
            long id;
            try {
                id = insert(connection, digest);
            } catch (SQLException e) {
                if (Database.isUniqueViolation(e)) {
                    throw new Database.RetryTransaction(e);
                }
                throw e;
            }
            bodies.store(connection, digest, source);
            return id;
        }
        if (!bodies.has(connection, hash)) {
            bodies.store(connection, digest, source);
        }
        return idOf(connection, hash);
    }

    /** The new row's id, or empty if a row for this content is there already (only where that failure is harmless). */
    private static OptionalLong insertUnlessPresent(Connection connection, BlobFiles.Digest digest) throws SQLException {
        try {
            return OptionalLong.of(insert(connection, digest));
        } catch (SQLException e) {
            if (Database.isUniqueViolation(e)) {
                return OptionalLong.empty();
            }
            throw e;
        }
    }

    private boolean failedStatementKeepsTransaction(Connection connection) throws SQLException {
        Boolean derby = statementLevelRollback;
        if (derby == null) {
            derby = connection.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("derby");
            statementLevelRollback = derby;
        }
        return derby;
    }

    /** Inserts the row with one reference and returns the id the database gave it. */
    private static long insert(Connection connection, BlobFiles.Digest digest) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO mbx_blob (hash, byte_size, refcount) VALUES (?, ?, 1)", Statement.RETURN_GENERATED_KEYS)) {
            insert.setString(1, digest.hash());
            insert.setLong(2, digest.size());
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                if (!keys.next()) {
                    throw new SQLException("No id was generated for body row " + digest.hash());
                }
                // Derby returns the identity value alone; PostgreSQL the inserted row, id among its columns.
                ResultSetMetaData columns = keys.getMetaData();
                for (int column = 1; column <= columns.getColumnCount(); column++) {
                    if ("id".equalsIgnoreCase(columns.getColumnName(column))) {
                        return keys.getLong(column);
                    }
                }
                return keys.getLong(1);
            }
        }
    }

    /** Adds one reference to a body some stored message already refers to (a copy); returns the row's id. */
    long acquireExisting(Connection connection, String hash) throws SQLException, MailboxException {
        if (!increment(connection, hash) || !bodies.has(connection, hash)) {
            throw new MailboxException("Message body " + hash + " vanished while being copied");
        }
        return idOf(connection, hash);
    }

    /** The id of a row this transaction holds a reference on (so the row is there). */
    private static long idOf(Connection connection, String hash) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT id FROM mbx_blob WHERE hash = ?")) {
            statement.setString(1, hash);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    throw new SQLException("Body row " + hash + " vanished inside its transaction");
                }
                return rows.getLong(1);
            }
        }
    }

    /**
     * Drops references; hashes are handled in sorted order so concurrent transactions lock rows alike.
     * @return the hashes whose count reached zero, to {@link #collect} after the commit
     */
    List<String> release(Connection connection, Map<String, Long> countsByHash) throws SQLException {
        List<String> unreferenced = new ArrayList<>();
        for (Map.Entry<String, Long> entry : new TreeMap<>(countsByHash).entrySet()) {
            Database.update(connection, "UPDATE mbx_blob SET refcount = refcount - ? WHERE hash = ?",
                entry.getValue(), entry.getKey());
            try (PreparedStatement statement = connection.prepareStatement("SELECT refcount FROM mbx_blob WHERE hash = ?")) {
                statement.setString(1, entry.getKey());
                try (ResultSet rows = statement.executeQuery()) {
                    if (rows.next() && rows.getLong(1) <= 0) {
                        unreferenced.add(entry.getKey());
                    }
                }
            }
        }
        return unreferenced;
    }

    /** Deletes rows still at zero and their files, one short transaction each. Failures only leave garbage. */
    void collect(Database database, Collection<String> hashes) {
        for (String hash : hashes) {
            try {
                database.execute(connection -> {
                    if (Database.update(connection, "DELETE FROM mbx_blob WHERE hash = ? AND refcount <= 0", hash) > 0) {
                        try {
                            bodies.removed(hash);
                        } catch (IOException e) {
                            throw new MailboxException("Could not delete body file " + hash, e);
                        }
                    }
                });
            } catch (MailboxException e) {
                LOGGER.warn("Body {} is unreferenced but could not be removed yet", hash, e);
            }
        }
    }

    /** Collects every zero-count row, e.g. after a crash between a release and its collection. */
    void collectAllUnreferenced(Database database) throws MailboxException {
        List<String> hashes = database.inTransaction(connection -> {
            List<String> found = new ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement("SELECT hash FROM mbx_blob WHERE refcount <= 0");
                 ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
            return found;
        });
        collect(database, hashes);
    }

    private static boolean increment(Connection connection, String hash) throws SQLException {
        return Database.update(connection, "UPDATE mbx_blob SET refcount = refcount + 1 WHERE hash = ?", hash) > 0;
    }
}
