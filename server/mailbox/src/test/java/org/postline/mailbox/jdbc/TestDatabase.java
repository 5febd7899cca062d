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

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * A fresh embedded Derby database with the mailbox schema, in a temporary directory, plus a blob directory.
 * {@link #reset()} empties it between tests; {@link #close()} shuts Derby's database down and deletes all.
 */
public final class TestDatabase implements AutoCloseable {

    private static final String[] TABLES = {"mbx_keyword", "mbx_message", "mbx_acl", "mbx_annotation",
        "mbx_subscription", "mbx_applicable_keyword", "mbx_mailbox", "mbx_blob"};

    private final Path directory;
    private final String url;
    private final HikariDataSource dataSource;

    private TestDatabase(Path directory) {
        this.directory = directory;
        this.url = "jdbc:derby:" + directory.resolve("db");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url + ";create=true");
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
        return new TestDatabase(Files.createTempDirectory("postline-mailbox-test"));
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
