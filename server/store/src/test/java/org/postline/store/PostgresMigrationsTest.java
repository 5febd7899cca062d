package org.postline.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.BodyStorage;
import org.postline.api.config.StorageConfig;
import org.postline.testing.PostgresCluster;
import org.postline.testing.PostgresExtension;
import org.postline.testing.TestDatabaseUrl;

/** The PostgreSQL migrations, run on an empty database, and the PostgreSQL defaults. */
@ExtendWith(PostgresExtension.class)
class PostgresMigrationsTest {

    @TempDir
    Path dir;

    @Test
    void migratesAnEmptyDatabaseAndKeepsItsDataAcrossARestart(PostgresCluster cluster) {
        TestDatabaseUrl database = cluster.createDatabase();
        StorageConfig config = new StorageConfig(database.jdbcUrl(), Optional.of(database.user()), Optional.empty(),
                4, dir.resolve("blobs"));
        assertThat(config.bodies()).isEqualTo(BodyStorage.DATABASE);
        try (Store store = Store.open(config, "example.org")) {
            assertThat(appliedVersions(store.dataSource())).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
            store.domains().add("example.org");
        }
        try (Store store = Store.open(config, "example.org")) {
            assertThat(appliedVersions(store.dataSource())).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
            assertThat(store.domains().list()).containsExactly("example.org");
        }
    }

    private static List<String> appliedVersions(DataSource dataSource) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement query = c.prepareStatement(
                     "SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank");
             ResultSet rows = query.executeQuery()) {
            List<String> versions = new ArrayList<>();
            while (rows.next()) {
                versions.add(rows.getString(1));
            }
            c.commit();
            return versions;
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
