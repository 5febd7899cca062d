package org.postline.mailbox.jdbc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.james.mailbox.exception.MailboxException;

/**
 * Bodies in the {@code content} column of their {@code mbx_blob} row, written in the transaction that takes
 * the first reference, so the row and its content commit together and every node reads them.
 */
final class DatabaseBodies implements BodyStore {

    private static final int IN_LIST_CHUNK = 100;

    private final Database database;

    DatabaseBodies(Database database) {
        this.database = database;
    }

    @Override
    public boolean has(Connection connection, String hash) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement(
                "SELECT 1 FROM mbx_blob WHERE hash = ? AND content IS NOT NULL")) {
            query.setString(1, hash);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    @Override
    public void store(Connection connection, BlobFiles.Digest digest, BlobFiles.Source source)
            throws SQLException, MailboxException {
        MessageDigest sha256 = sha256();
        try (InputStream in = new DigestInputStream(source.open(), sha256);
             PreparedStatement update = connection.prepareStatement("UPDATE mbx_blob SET content = ? WHERE hash = ?")) {
            update.setBinaryStream(1, in, digest.size());
            update.setString(2, digest.hash());
            update.executeUpdate();
        } catch (IOException e) {
            throw new MailboxException("Could not store message body", e);
        }
        if (!HexFormat.of().formatHex(sha256.digest()).equals(digest.hash())) {
            throw new MailboxException("Message content changed while it was being stored");
        }
    }

    @Override
    public void removed(String hash) {
        // The content went with the row.
    }

    /** Reads the whole body: the row cannot be streamed once its transaction has ended. */
    @Override
    public InputStream open(String hash) throws IOException {
        return new ByteArrayInputStream(content(hash)
            .orElseThrow(() -> new IOException("Message body " + hash + " is not in the database")));
    }

    /** The content held by the row, if any. */
    Optional<byte[]> content(String hash) throws IOException {
        try {
            return Optional.ofNullable(database.inTransaction(connection -> {
                try (PreparedStatement query = connection.prepareStatement(
                        "SELECT content FROM mbx_blob WHERE hash = ?")) {
                    query.setString(1, hash);
                    try (ResultSet rows = query.executeQuery()) {
                        return rows.next() ? rows.getBytes(1) : null;
                    }
                }
            }));
        } catch (MailboxException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    @Override
    public Map<Long, byte[]> inlineContents(Connection connection, Collection<Long> bodyIds) throws SQLException {
        List<Long> distinct = new ArrayList<>(new LinkedHashSet<>(bodyIds));
        Map<Long, byte[]> contents = new HashMap<>(distinct.size() * 2);
        for (int from = 0; from < distinct.size(); from += IN_LIST_CHUNK) {
            List<Long> chunk = distinct.subList(from, Math.min(distinct.size(), from + IN_LIST_CHUNK));
            try (PreparedStatement query = connection.prepareStatement("SELECT id, content FROM mbx_blob WHERE id IN ("
                    + String.join(", ", Collections.nCopies(chunk.size(), "?")) + ") AND content IS NOT NULL")) {
                for (int i = 0; i < chunk.size(); i++) {
                    query.setLong(i + 1, chunk.get(i));
                }
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        contents.put(rows.getLong(1), rows.getBytes(2));
                    }
                }
            }
        }
        return contents;
    }

    @Override
    public void cleanUp() {
        // Nothing is written outside a transaction.
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
