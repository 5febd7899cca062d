package org.postline.store.blob;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.postline.api.StoreException;
import org.postline.store.jdbc.Jdbc;

/**
 * Published blobs as rows of the {@code blobs} table, so every node sharing the database reads them. A blob
 * younger than {@link #SWEEP_GRACE} is never swept: another node may have published it and not yet committed
 * the row that refers to it.
 */
final class DatabaseBlobs implements PublishedBlobs {

    static final Duration SWEEP_GRACE = Duration.ofHours(1);

    private final Jdbc jdbc;
    private final Clock clock;

    DatabaseBlobs(Jdbc jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    @Override
    public void createArea(String area) {
        BlobStore.checkArea(area);
    }

    @Override
    public boolean inDatabase() {
        return true;
    }

    /** Inserts the (unsynced) temporary file's content as a row; the commit is the durable step. */
    @Override
    public void publish(Path temporary, String area, String id, long size) throws IOException {
        try {
            insert(area, id, size, () -> Files.newInputStream(temporary));
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    void publish(byte[] content, String area, String id) throws IOException {
        insert(area, id, content.length, () -> new ByteArrayInputStream(content));
    }

    private interface Source {
        InputStream open() throws IOException;
    }

    private void insert(String area, String id, long size, Source source) throws IOException {
        try {
            jdbc.inTransactionOrThrow(c -> {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO blobs (area, id, size_bytes,"
                        + " stored_at_ms, content) VALUES (?, ?, ?, ?, ?)");
                     InputStream content = source.open()) {
                    insert.setString(1, BlobStore.checkArea(area));
                    insert.setString(2, BlobStore.checkId(id));
                    insert.setLong(3, size);
                    insert.setLong(4, clock.millis());
                    insert.setBinaryStream(5, content, size);
                    insert.executeUpdate();
                } catch (IOException e) {
                    throw new SQLException("could not read the temporary blob: " + e.getMessage(), e);
                }
                return null;
            });
        } catch (SQLException e) {
            if (Jdbc.isConstraintViolation(e)) {
                throw new FileAlreadyExistsException(area + "/" + id);
            }
            throw new IOException("could not store blob " + area + "/" + id + ": " + e.getMessage(), e);
        }
    }

    /** Reads the whole content into memory: the row cannot be streamed once its transaction has ended. */
    @Override
    public InputStream open(String area, String id) throws IOException {
        byte[] content = query(area, id, "content", rows -> rows.getBytes(1));
        return new ByteArrayInputStream(content);
    }

    @Override
    public long size(String area, String id) throws IOException {
        return query(area, id, "size_bytes", rows -> rows.getLong(1));
    }

    @Override
    public void delete(String area, String id) throws IOException {
        try {
            jdbc.inTransactionOrThrow(c -> {
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM blobs WHERE area = ? AND id = ?")) {
                    delete.setString(1, area);
                    delete.setString(2, id);
                    return delete.executeUpdate();
                }
            });
        } catch (SQLException e) {
            throw new IOException("could not delete blob " + area + "/" + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int sweep(String area, Predicate<String> keep) throws IOException {
        long before = clock.millis() - SWEEP_GRACE.toMillis();
        List<String> old;
        try {
            old = jdbc.inTransactionOrThrow(c -> {
                List<String> found = new ArrayList<>();
                try (PreparedStatement query = c.prepareStatement(
                        "SELECT id FROM blobs WHERE area = ? AND stored_at_ms < ?")) {
                    query.setString(1, area);
                    query.setLong(2, before);
                    try (ResultSet rows = query.executeQuery()) {
                        while (rows.next()) {
                            found.add(rows.getString(1));
                        }
                    }
                }
                return found;
            });
        } catch (SQLException e) {
            throw new IOException("could not list the blobs of " + area + ": " + e.getMessage(), e);
        }
        int removed = 0;
        for (String id : old) {
            if (!keep.test(id)) {
                delete(area, id);
                removed++;
            }
        }
        return removed;
    }

    @Override
    public String describe() {
        return "the database";
    }

    private interface Column<T> {
        T read(ResultSet rows) throws SQLException;
    }

    private <T> T query(String area, String id, String column, Column<T> read) throws IOException {
        try {
            T value = jdbc.inTransactionOrThrow(c -> {
                try (PreparedStatement query = c.prepareStatement(
                        "SELECT " + column + " FROM blobs WHERE area = ? AND id = ?")) {
                    query.setString(1, BlobStore.checkArea(area));
                    query.setString(2, BlobStore.checkId(id));
                    try (ResultSet rows = query.executeQuery()) {
                        return rows.next() ? read.read(rows) : null;
                    }
                }
            });
            if (value == null) {
                throw new NoSuchFileException(area + "/" + id);
            }
            return value;
        } catch (SQLException e) {
            throw new IOException("could not read blob " + area + "/" + id + ": " + e.getMessage(), e);
        } catch (StoreException e) {
            throw new IOException(e.getMessage(), e);
        }
    }
}
