package org.postline.mailbox.jdbc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

import java.util.Optional;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.postline.api.config.BodyStorage;
import org.postline.testing.PostgresCluster;
import org.postline.testing.TestDatabaseUrl;

/**
 * A fresh embedded Derby database (or one on the test PostgreSQL cluster) with the mailbox schema, plus a blob
 * directory in a temporary directory.
 * {@link #reset()} empties it between tests; {@link #close()} shuts Derby's database down and deletes all.
 */
public final class TestDatabase implements AutoCloseable {

    private static final String[] TABLES = {"mbx_keyword", "mbx_message", "mbx_acl", "mbx_annotation",
        "mbx_subscription", "mbx_applicable_keyword", "mbx_mailbox", "mbx_blob"};

    private final Path directory;
    private final String url;
    private final BodyStorage bodies;
    private final HikariDataSource dataSource;

    private TestDatabase(Path directory, String url, Optional<String> user, BodyStorage bodies) {
        this.directory = directory;
        this.url = url;
        this.bodies = bodies;
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(isDerby() ? url + ";create=true" : url);
        user.ifPresent(config::setUsername);
        config.setMaximumPoolSize(8);
        config.setAutoCommit(false);
        config.setPoolName("mailbox-test");
        this.dataSource = new HikariDataSource(config);
    }

    public static TestDatabase create() throws IOException {
        TestDatabase database = createEmpty();
        MailboxSchema.migrate(database.dataSource);
        return database;
    }

    /** Without the mailbox schema. */
    public static TestDatabase createEmpty() throws IOException {
        Path directory = Files.createTempDirectory("postline-mailbox-test");
        return new TestDatabase(directory, "jdbc:derby:" + directory.resolve("db"), Optional.empty(), BodyStorage.FILES);
    }

    /** A fresh database on the test PostgreSQL cluster, with the schema, bodies in the database. */
    public static TestDatabase createPostgres(PostgresCluster cluster) throws IOException {
        TestDatabaseUrl created = cluster.createDatabase();
        TestDatabase database = new TestDatabase(Files.createTempDirectory("postline-mailbox-test"),
            created.jdbcUrl(), Optional.of(created.user()), BodyStorage.DATABASE);
        MailboxSchema.migrate(database.dataSource);
        return database;
    }

    /** A fresh database on the test PostgreSQL cluster without the mailbox schema, bodies in the database. */
    public static TestDatabase createEmptyPostgres(PostgresCluster cluster) throws IOException {
        TestDatabaseUrl created = cluster.createDatabase();
        return new TestDatabase(Files.createTempDirectory("postline-mailbox-test"), created.jdbcUrl(),
            Optional.of(created.user()), BodyStorage.DATABASE);
    }

    /** Where this database's message bodies go. */
    public BodyStorage bodies() {
        return bodies;
    }

    private boolean isDerby() {
        return url.startsWith("jdbc:derby:");
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Path blobDirectory() {
        return directory.resolve("blobs");
    }

    /** Deletes every row and body file. */
    public void reset() throws SQLException, IOException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String table : TABLES) {
                statement.executeUpdate("DELETE FROM " + table);
            }
            connection.commit();
        }
        deleteTree(blobDirectory());
    }

    @Override
    public void close() throws IOException {
        dataSource.close();
        if (!isDerby()) {
            deleteTree(directory);
            return;
        }
        try {
            DriverManager.getConnection(url + ";shutdown=true").close();
        } catch (SQLException expected) {
            // Derby reports a successful database shutdown as SQLState 08006.
            if (!"08006".equals(expected.getSQLState())) {
                throw new IOException("Derby did not shut down cleanly", expected);
            }
        }
        deleteTree(directory);
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
