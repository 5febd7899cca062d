package org.postline.store.queue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.postline.api.StoreException;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.MailRepository;
import org.postline.api.queue.SpooledMail;
import org.postline.store.blob.BlobStore;
import org.postline.store.blob.PendingBlob;
import org.postline.store.jdbc.Jdbc;

/** One named repository; obtained from {@link JdbcMailRepositories#get}. */
final class JdbcMailRepository implements MailRepository {

    private static final String COLUMNS = "SELECT id, envelope, size_bytes, stored_at_ms FROM repository_mails";

    private final String name;
    private final Jdbc jdbc;
    private final BlobStore blobs;
    private final MailIds ids;
    private final Clock clock;

    JdbcMailRepository(String name, Jdbc jdbc, BlobStore blobs, MailIds ids, Clock clock) {
        this.name = name;
        this.jdbc = jdbc;
        this.blobs = blobs;
        this.ids = ids;
        this.clock = clock;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String store(Envelope envelope, InputStream content) {
        Objects.requireNonNull(envelope, "envelope");
        String id = ids.next();
        long bytes;
        try (PendingBlob blob = blobs.create()) {
            content.transferTo(blob.stream());
            bytes = blob.publish(JdbcMailRepositories.AREA, id);
        } catch (IOException e) {
            throw new StoreException("could not store mail in repository " + name + ": " + e.getMessage(), e);
        }
        try {
            jdbc.inTransaction("store mail in repository " + name, c -> {
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO repository_mails"
                        + " (id, repository, envelope, size_bytes, stored_at_ms) VALUES (?, ?, ?, ?, ?)")) {
                    insert.setString(1, id);
                    insert.setString(2, name);
                    insert.setString(3, EnvelopeCodec.encode(envelope));
                    insert.setLong(4, bytes);
                    insert.setLong(5, clock.millis());
                    insert.executeUpdate();
                }
                return null;
            });
        } catch (RuntimeException e) {
            blobs.delete(JdbcMailRepositories.AREA, id);
            throw e;
        }
        return id;
    }

    @Override
    public List<SpooledMail> list() {
        return jdbc.inTransaction("list repository " + name, c -> {
            List<SpooledMail> mails = new ArrayList<>();
            try (PreparedStatement query =
                         c.prepareStatement(COLUMNS + " WHERE repository = ? ORDER BY stored_at_ms, id")) {
                query.setString(1, name);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        mails.add(read(rows));
                    }
                }
            }
            return List.copyOf(mails);
        });
    }

    @Override
    public Optional<SpooledMail> get(String id) {
        return jdbc.inTransaction("read mail " + id + " in repository " + name, c -> {
            try (PreparedStatement query = c.prepareStatement(COLUMNS + " WHERE repository = ? AND id = ?")) {
                query.setString(1, name);
                query.setString(2, id);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next() ? Optional.of(read(rows)) : Optional.<SpooledMail>empty();
                }
            }
        });
    }

    /** @throws StoreException if there is no such mail in this repository */
    @Override
    public InputStream open(String id) {
        if (!holds(id)) {
            throw new StoreException("there is no mail " + id + " in repository " + name, null);
        }
        try {
            return blobs.open(JdbcMailRepositories.AREA, id);
        } catch (NoSuchFileException e) {
            throw new StoreException("the content of mail " + id + " in repository " + name + " is missing", e);
        } catch (IOException e) {
            throw new StoreException("could not read mail " + id + " in repository " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean remove(String id) {
        boolean deleted = jdbc.inTransaction("remove mail " + id + " from repository " + name, c -> {
            try (PreparedStatement delete =
                         c.prepareStatement("DELETE FROM repository_mails WHERE repository = ? AND id = ?")) {
                delete.setString(1, name);
                delete.setString(2, id);
                return delete.executeUpdate() > 0;
            }
        });
        if (deleted) {
            blobs.delete(JdbcMailRepositories.AREA, id);
        }
        return deleted;
    }

    @Override
    public String toString() {
        return "MailRepository[" + name + "]";
    }

    private boolean holds(String id) {
        return jdbc.inTransaction("read mail " + id + " in repository " + name, c -> {
            try (PreparedStatement query =
                         c.prepareStatement("SELECT 1 FROM repository_mails WHERE repository = ? AND id = ?")) {
                query.setString(1, name);
                query.setString(2, id);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next();
                }
            }
        });
    }

    private static SpooledMail read(ResultSet rows) throws SQLException {
        String id = rows.getString(1);
        Envelope envelope;
        try {
            envelope = EnvelopeCodec.decode(rows.getString(2));
        } catch (IllegalArgumentException e) {
            throw new SQLException("mail " + id + " has an unreadable envelope: " + e.getMessage(), e);
        }
        return new SpooledMail(id, envelope, rows.getLong(3), Instant.ofEpochMilli(rows.getLong(4)), 0, "");
    }
}
