package org.postline.protocols.imap;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.postline.api.directory.Users;
import org.postline.mailbox.MailboxStore;

/**
 * An embedded Derby database for Postline's mailbox store, in a directory of its own; one per test class
 * (tests keep apart by using fresh users). {@link #close()} shuts the database down.
 */
final class MailboxDatabase implements AutoCloseable {

    private final String url;
    private final HikariDataSource dataSource;
    private final Path blobs;

    MailboxDatabase(Path directory) {
        this.url = "jdbc:derby:" + directory.resolve("db");
        this.blobs = directory.resolve("blobs");
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(url + ";create=true");
        config.setMaximumPoolSize(8);
        config.setAutoCommit(false);
        config.setPoolName("imap-test");
        this.dataSource = new HikariDataSource(config);
    }

    /** A mailbox store over this database whose logins are checked against {@code users}. */
    MailboxStore open(Users users) {
        return MailboxStore.open(dataSource, blobs, users);
    }

    @Override
    public void close() {
        dataSource.close();
        try {
            DriverManager.getConnection(url + ";shutdown=true").close();
        } catch (SQLException expected) {
            // Derby reports a successful shutdown as an exception (SQLState 08006).
        }
    }
}
