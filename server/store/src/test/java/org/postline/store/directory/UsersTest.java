package org.postline.store.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.StorageConfig;
import org.postline.api.directory.DirectoryException;
import org.postline.api.directory.Users;
import org.postline.store.Store;
import org.postline.store.StoreFixture;
import org.postline.store.jdbc.Jdbc;

/** PBKDF2 at 210,000 iterations costs a fraction of a second per hash, so these tests hash sparingly. */
class UsersTest {

    @TempDir
    Path dir;

    /** Derby here; the PostgreSQL twin of this test overrides it. */
    StorageConfig config(Path directory) {
        return StoreFixture.config(directory);
    }

    Store store;
    Users users;

    @BeforeEach
    void open() {
        store = Store.open(config(dir), "Example.org");
        store.domains().add("example.org");
        users = store.users();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void storesASaltedSelfDescribingHashAndAuthenticates() {
        users.add("Alice@Example.ORG", "s3cret".toCharArray());
        users.add("bob@example.org", "s3cret".toCharArray());

        String alice = storedHash("alice@example.org");
        String bob = storedHash("bob@example.org");
        assertThat(alice).matches("pbkdf2-sha256\\$\\d+\\$[A-Za-z0-9+/]+\\$[A-Za-z0-9+/]+").doesNotContain("s3cret");
        String[] parts = alice.split("\\$");
        assertThat(Integer.parseInt(parts[1])).isGreaterThanOrEqualTo(210_000);
        assertThat(Base64.getDecoder().decode(parts[2])).hasSize(16);
        assertThat(Base64.getDecoder().decode(parts[3])).hasSize(32);
        assertThat(bob.split("\\$")[2]).as("random salt").isNotEqualTo(parts[2]);
        assertThat(bob.split("\\$")[3]).isNotEqualTo(parts[3]);

        assertThat(users.authenticate("alice@example.org", "s3cret".toCharArray())).contains("alice@example.org");
        assertThat(users.authenticate("ALICE", "s3cret".toCharArray())).as("bare name in the default domain")
                .contains("alice@example.org");
        assertThat(users.authenticate("alice@example.org", "S3cret".toCharArray())).isEmpty();
        assertThat(users.authenticate("nobody@example.org", "s3cret".toCharArray())).isEmpty();
        assertThat(users.authenticate("not an address@@", "s3cret".toCharArray())).isEmpty();
    }

    @Test
    void listsChangesAndRemovesUsers() {
        users.add("carol@example.org", "old".toCharArray());
        assertThat(users.exists("CAROL@example.org")).isTrue();
        assertThat(users.exists("dave@example.org")).isFalse();
        assertThat(users.exists("garbage")).isFalse();
        assertThat(users.list()).containsExactly("carol@example.org");

        users.changePassword("Carol@example.org", "new".toCharArray());
        assertThat(users.authenticate("carol@example.org", "old".toCharArray())).isEmpty();
        assertThat(users.authenticate("carol@example.org", "new".toCharArray())).contains("carol@example.org");

        assertThat(users.remove("carol@EXAMPLE.org")).isTrue();
        assertThat(users.remove("carol@example.org")).isFalse();
        assertThat(users.list()).isEmpty();
    }

    @Test
    void aLookupAnsweredBeforeAnAddOrRemoveSeesTheChangeAtOnce() {
        // Each RCPT asks exists(); the answers may be kept in memory, and must follow every change.
        assertThat(users.exists("erin@example.org")).isFalse();
        assertThat(users.exists("erin@example.org")).isFalse();
        users.add("erin@example.org", "pw".toCharArray());
        assertThat(users.exists("Erin@example.org")).isTrue();
        assertThat(users.exists("erin@example.org")).isTrue();
        assertThatThrownBy(() -> users.add("erin@example.org", "pw".toCharArray())).isInstanceOf(DirectoryException.class);
        assertThat(users.exists("erin@example.org")).isTrue();
        assertThat(users.remove("erin@example.org")).isTrue();
        assertThat(users.exists("erin@example.org")).isFalse();
    }

    @Test
    void refusesBadRequestsWithMessagesForTheUser() {
        store.domains().add("other.example");
        users.add("erin@other.example", "pw".toCharArray());

        assertThatThrownBy(() -> users.add("Erin@other.example", "pw2".toCharArray()))
                .isInstanceOf(DirectoryException.class).hasMessage("user erin@other.example already exists");
        assertThatThrownBy(() -> users.add("frank@example.net", "pw".toCharArray()))
                .isInstanceOf(DirectoryException.class).hasMessageStartingWith("domain example.net does not exist");
        assertThatThrownBy(() -> users.add("frank", "pw".toCharArray()))
                .isInstanceOf(DirectoryException.class).hasMessage("'frank' is not a valid mail address");
        assertThatThrownBy(() -> users.add("a b@example.org", "pw".toCharArray()))
                .isInstanceOf(DirectoryException.class).hasMessageContaining("not a valid mail address");
        assertThatThrownBy(() -> users.add("frank@example.org", new char[0]))
                .isInstanceOf(DirectoryException.class).hasMessage("the password must not be empty");
        assertThatThrownBy(() -> users.changePassword("nobody@example.org", "pw".toCharArray()))
                .isInstanceOf(DirectoryException.class).hasMessage("user nobody@example.org does not exist");
        assertThatThrownBy(() -> store.domains().remove("other.example"))
                .isInstanceOf(DirectoryException.class)
                .hasMessage("domain other.example is still used by 1 user; remove them first");
        assertThat(users.list()).containsExactly("erin@other.example");
    }

    @Test
    void upgradesAnOutdatedHashAtLogin() {
        String weak = new PasswordHasher(1_000).hash("pw".toCharArray());
        new Jdbc(store.dataSource()).inTransaction("plant a user", c -> {
            try (PreparedStatement insert = c.prepareStatement(
                    "INSERT INTO users (address, domain, password_hash) VALUES ('gina@example.org', 'example.org', ?)")) {
                insert.setString(1, weak);
                return insert.executeUpdate();
            }
        });

        assertThat(users.authenticate("gina@example.org", "pw".toCharArray())).contains("gina@example.org");

        String upgraded = storedHash("gina@example.org");
        assertThat(upgraded).startsWith("pbkdf2-sha256$210000$");
        assertThat(new PasswordHasher().verify("pw".toCharArray(), upgraded)).isTrue();
    }

    @Test
    void aRememberedLoginGivesWayToAChangedPasswordAndRefusesAWrongOne() {
        VerifiedLogins verified = new VerifiedLogins();
        Users remembering = new JdbcUsers(new Jdbc(store.dataSource()), "example.org", new PasswordHasher(), verified);
        users.add("hal@example.org", "first".toCharArray());

        assertThat(remembering.authenticate("hal", "first".toCharArray())).contains("hal@example.org");
        assertThat(verified.matches("hal@example.org", storedHash("hal@example.org"), "first".toCharArray()))
                .as("remembered").isTrue();
        assertThat(remembering.authenticate("hal@example.org", "first".toCharArray())).contains("hal@example.org");
        assertThat(remembering.authenticate("hal@example.org", "First".toCharArray())).isEmpty();
        assertThat(remembering.authenticate("hal@example.org", "".toCharArray())).isEmpty();

        remembering.changePassword("hal@example.org", "second".toCharArray());
        assertThat(remembering.authenticate("hal@example.org", "first".toCharArray())).isEmpty();
        assertThat(remembering.authenticate("hal@example.org", "second".toCharArray())).contains("hal@example.org");

        // A change that did not go through this object (another Users, another process) counts at once too.
        users.changePassword("hal@example.org", "third".toCharArray());
        assertThat(remembering.authenticate("hal@example.org", "second".toCharArray())).isEmpty();
        assertThat(remembering.authenticate("hal@example.org", "third".toCharArray())).contains("hal@example.org");

        assertThat(users.remove("hal@example.org")).isTrue();
        assertThat(remembering.authenticate("hal@example.org", "third".toCharArray())).isEmpty();
    }

    private String storedHash(String address) {
        try (Connection c = store.dataSource().getConnection();
             PreparedStatement query = c.prepareStatement("SELECT password_hash FROM users WHERE address = ?")) {
            query.setString(1, address);
            try (ResultSet rows = query.executeQuery()) {
                assertThat(rows.next()).isTrue();
                String hash = rows.getString(1);
                c.commit();
                return hash;
            }
        } catch (SQLException e) {
            throw new AssertionError(e);
        }
    }
}
