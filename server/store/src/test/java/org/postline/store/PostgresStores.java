package org.postline.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postline.api.config.BodyStorage;
import org.postline.api.config.StorageConfig;
import org.postline.testing.PostgresCluster;
import org.postline.testing.TestDatabaseUrl;

/**
 * Store configurations on the test PostgreSQL cluster with bodies in the database (the PostgreSQL default):
 * one fresh database per directory, so a store reopened on the same directory finds its data, as on Derby.
 */
public final class PostgresStores {

    private final PostgresCluster cluster;
    private final Map<Path, StorageConfig> configs = new HashMap<>();

    public PostgresStores(PostgresCluster cluster) {
        this.cluster = cluster;
    }

    public synchronized StorageConfig config(Path directory) {
        return configs.computeIfAbsent(directory, dir -> {
            TestDatabaseUrl database = cluster.createDatabase();
            return new StorageConfig(database.jdbcUrl(), Optional.of(database.user()), Optional.empty(), 20,
                    dir.resolve("blobs"), BodyStorage.DATABASE);
        });
    }

    /** The ids of the blobs of an area, from the {@code blobs} table. */
    public static List<String> blobIds(Store store, String area) {
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement query = c.prepareStatement("SELECT id FROM blobs WHERE area = ?")) {
            query.setString(1, area);
            List<String> ids = new ArrayList<>();
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
            c.commit();
            return ids;
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }

    /** A blob row no mail refers to, stored long ago, as a crash between blob and row would leave. */
    public static void plantOrphan(Store store, String area, String id) {
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO blobs (area, id, size_bytes, stored_at_ms, content) VALUES (?, ?, 1, 0, ?)")) {
            insert.setString(1, area);
            insert.setString(2, id);
            insert.setBytes(3, new byte[] {1});
            insert.executeUpdate();
            c.commit();
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
