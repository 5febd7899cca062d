package org.postline.mailbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.stream.Stream;

import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.MailboxPath;
import org.postline.mailbox.jdbc.TestDatabase;

import reactor.core.publisher.Mono;

/** A mailbox store over an emptied test database, plus helpers to look at what it stored. */
final class StoreFixture implements AutoCloseable {

    static final String DOMAIN = "example.org";

    final TestDatabase database;
    final InMemoryUsers users = new InMemoryUsers(DOMAIN);
    MailboxStore store;

    private StoreSettings settings;

    StoreFixture(TestDatabase database) throws Exception {
        this(database, StoreSettings.DEFAULTS);
    }

    StoreFixture(TestDatabase database, StoreSettings settings) throws Exception {
        this.database = database;
        this.settings = settings;
        database.reset();
        reopen();
    }

    /** Opens a new MailboxStore on the same database and blob directory, as a restart would. */
    void reopen() {
        if (store != null) {
            store.close();
        }
        store = MailboxStore.open(database.dataSource(), database.blobDirectory(), users, Clock.systemUTC(),
            settings.withBodies(database.bodies()));
    }

    /** Reopens with bodies up to {@code inlineBodyBytes} in the database (0: all files, as older stores wrote). */
    void reopenWithInlineBodyBytes(long inlineBodyBytes) {
        settings = settings.withInlineBodyBytes(inlineBodyBytes);
        reopen();
    }

    MailboxSession session(String user) {
        return store.mailboxManager().createSystemSession(Username.of(user));
    }

    MessageManager inbox(MailboxSession session) throws MailboxException {
        MailboxPath inbox = MailboxPath.inbox(session);
        if (!Mono.from(store.mailboxManager().mailboxExists(inbox, session)).block()) {
            store.mailboxManager().createMailbox(inbox, session);
        }
        return store.mailboxManager().getMailbox(inbox, session);
    }

    /** Stored bodies: contents in the database plus files in the blob directory (the temporary-file folder excluded). */
    long storedBodies() throws IOException, SQLException {
        return inlineBodies() + bodyFiles();
    }

    long bodyFiles() throws IOException {
        Path root = database.blobDirectory();
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(Files::isRegularFile)
                .filter(path -> !path.getParent().equals(root.resolve("tmp")))
                .count();
        }
    }

    long blobRows() throws SQLException {
        return count("SELECT COUNT(*) FROM mbx_blob");
    }

    long inlineBodies() throws SQLException {
        return count("SELECT COUNT(*) FROM mbx_blob WHERE content IS NOT NULL");
    }

    long totalReferences() throws SQLException {
        return count("SELECT COALESCE(SUM(refcount), 0) FROM mbx_blob");
    }

    private long count(String sql) throws SQLException {
        try (Connection connection = database.dataSource().getConnection();
             PreparedStatement statement = connection.prepareStatement(sql);
             ResultSet result = statement.executeQuery()) {
            result.next();
            long value = result.getLong(1);
            connection.commit();
            return value;
        }
    }

    @Override
    public void close() {
        store.close();
    }
}
