package org.postline.store.queue;

import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.postline.api.StoreException;
import org.postline.api.queue.MailRepositories;
import org.postline.api.queue.MailRepository;
import org.postline.store.blob.BlobStore;
import org.postline.store.jdbc.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link MailRepositories} in the {@code mail_repositories} and {@code repository_mails} tables, contents in
 * the blob store. A repository is registered (durably) the first time it is asked for.
 */
public final class JdbcMailRepositories implements MailRepositories {

    static final String AREA = "repository";
    private static final Logger LOG = LoggerFactory.getLogger(JdbcMailRepositories.class);
    private static final int MAX_NAME_LENGTH = 255;

    private final Jdbc jdbc;
    private final BlobStore blobs;
    private final MailIds ids;
    private final Clock clock;
    private final ConcurrentMap<String, JdbcMailRepository> repositories = new ConcurrentHashMap<>();

    public JdbcMailRepositories(Jdbc jdbc, BlobStore blobs, MailIds ids, Clock clock) {
        this.jdbc = jdbc;
        this.blobs = blobs;
        this.ids = ids;
        this.clock = clock;
        blobs.createArea(AREA);
    }

    /**
     * @param name printable, at most 255 characters (e.g. {@code error}, {@code relay-denied})
     * @throws IllegalArgumentException for an empty, over-long or unprintable name
     */
    @Override
    public MailRepository get(String name) {
        if (name == null || name.isBlank() || name.length() > MAX_NAME_LENGTH || name.chars().anyMatch(Character::isISOControl)) {
            throw new IllegalArgumentException("not a valid mail repository name: '" + name + "'");
        }
        return repositories.computeIfAbsent(name, this::register);
    }

    @Override
    public List<String> names() {
        return jdbc.inTransaction("list mail repositories", c -> {
            List<String> names = new ArrayList<>();
            try (PreparedStatement query = c.prepareStatement("SELECT name FROM mail_repositories ORDER BY name");
                 ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
            return List.copyOf(names);
        });
    }

    /** Deletes repository blob files that no row names; call before first use. */
    public int sweepOrphans() {
        Set<String> known = jdbc.inTransaction("list repository mails", c -> {
            Set<String> found = new HashSet<>();
            try (PreparedStatement query = c.prepareStatement("SELECT id FROM repository_mails");
                 ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    found.add(rows.getString(1));
                }
            }
            return found;
        });
        try {
            int removed = blobs.sweep(AREA, known::contains);
            if (removed > 0) {
                LOG.info("Removed {} orphaned mail repository file(s) left by an interrupted write", removed);
            }
            return removed;
        } catch (IOException e) {
            throw new StoreException("could not clean the mail repository directory: " + e.getMessage(), e);
        }
    }

    private JdbcMailRepository register(String name) {
        try {
            jdbc.inTransactionOrThrow(c -> {
                try (PreparedStatement query = c.prepareStatement("SELECT 1 FROM mail_repositories WHERE name = ?")) {
                    query.setString(1, name);
                    try (ResultSet rows = query.executeQuery()) {
                        if (rows.next()) {
                            return null;
                        }
                    }
                }
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO mail_repositories (name) VALUES (?)")) {
                    insert.setString(1, name);
                    insert.executeUpdate();
                }
                return null;
            });
        } catch (SQLException e) {
            if (!Jdbc.isConstraintViolation(e)) { // a violation means another process registered it first: fine
                throw new StoreException("could not register mail repository " + name + ": " + e.getMessage(), e);
            }
        }
        return new JdbcMailRepository(name, jdbc, blobs, ids, clock);
    }
}
