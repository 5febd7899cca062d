package org.postline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.derby.jdbc.EmbeddedDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.StorageConfig;
import org.postline.api.directory.Rewrite;
import org.postline.api.queue.MailRepository;
import org.postline.api.queue.Spool;
import org.postline.api.queue.SpooledMail;
import org.postline.store.directory.PasswordHasher;

class MigrationsTest {

    @TempDir
    Path dir;

    @Test
    void migratesAnEmptyDatabaseAndKeepsItsDataAcrossARestart() {
        StorageConfig config = StoreFixture.config(dir);
        try (Store store = Store.open(config, "example.org")) {
            assertThat(appliedVersions(store.dataSource())).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
            store.domains().add("example.org");
        }
        try (Store store = Store.open(config, "example.org")) {
            assertThat(appliedVersions(store.dataSource())).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
            assertThat(store.domains().list()).containsExactly("example.org");
        }
    }

    @Test
    void upgradesAVersion1DatabaseKeepingItsData() throws Exception {
        StorageConfig config = StoreFixture.config(dir);
        String hash = new PasswordHasher().hash("s3cret".toCharArray());
        EmbeddedDataSource v1 = new EmbeddedDataSource();
        v1.setDatabaseName(Store.derbyDatabase(config.jdbcUrl()));
        v1.setCreateDatabase("create");
        Migrations.migrate(v1, "derby", "1");
        try (Connection c = v1.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO domains (name) VALUES ('example.org')");
            s.executeUpdate("INSERT INTO users (address, domain, password_hash)"
                    + " VALUES ('alice@example.org', 'example.org', '" + hash + "')");
            s.executeUpdate("INSERT INTO recipient_rewrites (kind, source, target)"
                    + " VALUES ('ADDRESS', 'postmaster@example.org', 'alice@example.org')");
            assertThatThrownBy(() -> s.executeQuery("SELECT COUNT(*) FROM spool")).isInstanceOf(SQLException.class);
        }
        assertThat(appliedVersions(v1)).containsExactly("1");
        shutdown(v1);

        try (Store store = Store.open(config, "example.org")) {
            assertThat(appliedVersions(store.dataSource())).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
            assertThat(store.domains().list()).containsExactly("example.org");
            assertThat(store.users().list()).containsExactly("alice@example.org");
            assertThat(store.users().authenticate("alice", "s3cret".toCharArray())).contains("alice@example.org");
            assertThat(store.rewrites().list())
                    .containsExactly(new Rewrite(Rewrite.Kind.ADDRESS, "postmaster@example.org", "alice@example.org"));

            Spool spool = store.spool();
            String id;
            try (Spool.Writer writer = spool.begin(StoreFixture.envelope("m1", "alice@example.org"))) {
                writer.content().write("Subject: hi\r\n\r\nhello\r\n".getBytes(StandardCharsets.US_ASCII));
                id = writer.commit();
            }
            assertThat(spool.claim(10)).extracting(SpooledMail::id).containsExactly(id);
            MailRepository error = store.repositories().get("error");
            String stored = error.store(StoreFixture.envelope("m2", "bob@example.org"),
                    new ByteArrayInputStream(new byte[] {1, 2, 3}));
            try (InputStream in = error.open(stored)) {
                assertThat(in.readAllBytes()).containsExactly(1, 2, 3);
            }
        }
    }

    @Test
    void upgradesAVersion2SpoolKeepingItsMailInTheIncomingQueue() throws Exception {
        StorageConfig config = StoreFixture.config(dir);
        EmbeddedDataSource v2 = new EmbeddedDataSource();
        v2.setDatabaseName(Store.derbyDatabase(config.jdbcUrl()));
        v2.setCreateDatabase("create");
        Migrations.migrate(v2, "derby", "2");
        java.nio.file.Files.createDirectories(config.blobDirectory().resolve("spool"));
        java.nio.file.Files.writeString(config.blobDirectory().resolve("spool/0000000000000001"), "old mail");
        try (Connection c = v2.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO spool (id, state, envelope, size_bytes, stored_at_ms, not_before_ms) VALUES"
                    + " ('0000000000000001', 'root', '" + org.postline.store.queue.EnvelopeCodec.encode(
                            StoreFixture.envelope("old", "a@example.org")).replace("'", "''") + "', 8, 1, 0)");
            c.commit();
        }
        assertThat(appliedVersions(v2)).containsExactly("1", "2");
        shutdown(v2);

        try (Store store = Store.open(config, "example.org")) {
            assertThat(appliedVersions(store.dataSource())).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
            assertThat(store.queue("outgoing").claim(10)).isEmpty();
            assertThat(store.spool().claim(10)).singleElement().satisfies(mail -> {
                assertThat(mail.id()).isEqualTo("0000000000000001");
                assertThat(mail.envelope().name()).isEqualTo("old");
            });
            try (InputStream in = store.spool().open("0000000000000001")) {
                assertThat(in.readAllBytes()).asString(StandardCharsets.US_ASCII).isEqualTo("old mail");
            }
        }
    }

    @Test
    void spoolRowsWrittenBeforeVersion6KeepTheirContentInFiles() throws Exception {
        Path file = StoreFixture.config(dir).blobDirectory().resolve("spool/0000000000000001");
        upgradesAVersion5SpoolRow(StoreFixture.config(dir), blobs -> {
            java.nio.file.Files.createDirectories(file.getParent());
            java.nio.file.Files.writeString(file, "old mail");
        }, () -> java.nio.file.Files.exists(file));
    }

    @Test
    void spoolRowsWrittenBeforeVersion6KeepTheirContentInTheBlobsTable() throws Exception {
        StorageConfig files = StoreFixture.config(dir);
        StorageConfig config = new StorageConfig(files.jdbcUrl(), files.user(), files.password(), files.poolSize(),
                files.blobDirectory(), org.postline.api.config.BodyStorage.DATABASE);
        EmbeddedDataSource database = derby(config);
        upgradesAVersion5SpoolRow(config, blobs -> {
            try (Connection c = database.getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO blobs (area, id, size_bytes, stored_at_ms, content)"
                        + " VALUES ('spool', '0000000000000001', 8, 1, CAST(X'6f6c64206d61696c' AS BLOB))");
                c.commit();
            }
        }, () -> {
            try (Connection c = database.getConnection(); Statement s = c.createStatement();
                 ResultSet rows = s.executeQuery("SELECT COUNT(*) FROM blobs")) {
                rows.next();
                return rows.getInt(1) > 0;
            }
        });
    }

    private interface Step {
        void run(Path blobs) throws Exception;
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    /** A row (and its content, planted by {@code plant}) as version 5 wrote them is claimed, read and completed. */
    private void upgradesAVersion5SpoolRow(StorageConfig config, Step plant, Check contentStored) throws Exception {
        EmbeddedDataSource v5 = derby(config);
        Migrations.migrate(v5, "derby", "5");
        try (Connection c = v5.getConnection(); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO spool (id, state, envelope, size_bytes, stored_at_ms, not_before_ms) VALUES"
                    + " ('0000000000000001', 'root', '" + org.postline.store.queue.EnvelopeCodec.encode(
                            StoreFixture.envelope("old", "a@example.org")).replace("'", "''") + "', 8, 1, 0)");
            c.commit();
        }
        plant.run(config.blobDirectory());
        shutdown(v5);

        try (Store store = Store.open(config, "example.org")) {
            assertThat(appliedVersions(store.dataSource())).containsExactly("1", "2", "3", "4", "5", "6", "7", "8");
            assertThat(contentStored.holds()).as("the sweep at start keeps the old row's content").isTrue();
            Spool spool = store.spool();
            assertThat(spool.claim(10)).extracting(SpooledMail::id).containsExactly("0000000000000001");
            try (InputStream in = spool.open("0000000000000001")) {
                assertThat(in.readAllBytes()).asString(StandardCharsets.US_ASCII).isEqualTo("old mail");
            }
            spool.complete("0000000000000001");
            assertThat(spool.size()).isZero();
            assertThat(contentStored.holds()).as("completing removes the old row's content").isFalse();
        }
    }

    private static EmbeddedDataSource derby(StorageConfig config) {
        EmbeddedDataSource dataSource = new EmbeddedDataSource();
        dataSource.setDatabaseName(Store.derbyDatabase(config.jdbcUrl()));
        dataSource.setCreateDatabase("create");
        return dataSource;
    }

    private static List<String> appliedVersions(DataSource dataSource) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement query = c.prepareStatement(
                     "SELECT \"version\" FROM \"flyway_schema_history\" WHERE \"success\" = TRUE ORDER BY \"installed_rank\"");
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

    private static void shutdown(EmbeddedDataSource dataSource) {
        dataSource.setCreateDatabase(null);
        dataSource.setShutdownDatabase("shutdown");
        try {
            dataSource.getConnection().close();
        } catch (SQLException e) {
            assertThat(e.getSQLState()).isEqualTo("08006");
        }
    }
}
