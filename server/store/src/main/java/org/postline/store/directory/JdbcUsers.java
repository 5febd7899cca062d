package org.postline.store.directory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postline.api.StoreException;
import org.postline.api.directory.DirectoryException;
import org.postline.api.directory.Users;
import org.postline.store.jdbc.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Users} in the {@code users} table. Passwords are hashed outside any transaction (a hash takes a good
 * fraction of a second) and never logged. A login that passed the hash moments ago is recognised without
 * hashing again ({@link VerifiedLogins}); a wrong password always costs the full hash.
 */
public final class JdbcUsers implements Users {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcUsers.class);

    private final Jdbc jdbc;
    private final String defaultDomain;
    private final PasswordHasher hasher;
    private final VerifiedLogins verified;
    /** Whether a user exists: asked on every SMTP RCPT. Password hashes are never kept. */
    private final LookupCache<String, Boolean> existing;

    /** @param defaultDomain the domain of a bare login name ({@code alice} means {@code alice@defaultDomain}) */
    public JdbcUsers(Jdbc jdbc, String defaultDomain) {
        this(jdbc, defaultDomain, false);
    }

    /** @param onlyThisProcessWrites whether lookups may be kept in memory (an embedded database) */
    public JdbcUsers(Jdbc jdbc, String defaultDomain, boolean onlyThisProcessWrites) {
        this(jdbc, defaultDomain, new PasswordHasher(), new VerifiedLogins(), onlyThisProcessWrites);
    }

    JdbcUsers(Jdbc jdbc, String defaultDomain, PasswordHasher hasher) {
        this(jdbc, defaultDomain, hasher, new VerifiedLogins(), false);
    }

    JdbcUsers(Jdbc jdbc, String defaultDomain, PasswordHasher hasher, VerifiedLogins verified) {
        this(jdbc, defaultDomain, hasher, verified, false);
    }

    private JdbcUsers(Jdbc jdbc, String defaultDomain, PasswordHasher hasher, VerifiedLogins verified,
                      boolean onlyThisProcessWrites) {
        this.existing = LookupCache.forDatabase(onlyThisProcessWrites);
        this.jdbc = jdbc;
        this.defaultDomain = defaultDomain.toLowerCase(Locale.ROOT);
        this.hasher = hasher;
        this.verified = verified;
    }

    @Override
    public void add(String address, char[] password) {
        try {
            addUser(address, password);
        } finally {
            existing.invalidate();
        }
    }

    private void addUser(String address, char[] password) {
        String user = Names.address(address);
        String domain = Names.domainOf(user);
        requirePassword(password);
        // Check first so that an obvious mistake does not cost a hash.
        jdbc.inTransaction("add user " + user, c -> {
            refuseAdd(c, user, domain);
            return null;
        });
        String hash = hasher.hash(password);
        try {
            jdbc.inTransactionOrThrow(c -> {
                try (PreparedStatement insert =
                             c.prepareStatement("INSERT INTO users (address, domain, password_hash) VALUES (?, ?, ?)")) {
                    insert.setString(1, user);
                    insert.setString(2, domain);
                    insert.setString(3, hash);
                    insert.executeUpdate();
                }
                return null;
            });
        } catch (SQLException e) {
            if (Jdbc.isConstraintViolation(e)) {
                // Lost a race with another add or a domain removal: say which.
                jdbc.inTransaction("add user " + user, c -> {
                    refuseAdd(c, user, domain);
                    return null;
                });
                throw new DirectoryException("cannot add user " + user);
            }
            throw new StoreException("could not add user " + user + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void changePassword(String address, char[] password) {
        String user = Names.addressOrEmpty(address)
                .orElseThrow(() -> new DirectoryException("user " + Names.printable(address) + " does not exist"));
        requirePassword(password);
        if (!exists(user)) {
            throw new DirectoryException("user " + user + " does not exist");
        }
        String hash = hasher.hash(password);
        verified.forget(user);
        if (!updateHash(user, hash)) {
            throw new DirectoryException("user " + user + " does not exist");
        }
    }

    @Override
    public boolean remove(String address) {
        try {
            return removeUser(address);
        } finally {
            existing.invalidate();
        }
    }

    private boolean removeUser(String address) {
        Optional<String> user = Names.addressOrEmpty(address);
        user.ifPresent(verified::forget);
        return user.isPresent() && jdbc.inTransaction("remove user " + user.get(), c -> {
            try (PreparedStatement delete = c.prepareStatement("DELETE FROM users WHERE address = ?")) {
                delete.setString(1, user.get());
                return delete.executeUpdate() > 0;
            }
        });
    }

    @Override
    public boolean exists(String address) {
        Optional<String> user = Names.addressOrEmpty(address);
        return user.isPresent() && existing.get(user.get(), () -> storedHash(user.get()).isPresent());
    }

    @Override
    public List<String> list() {
        return jdbc.inTransaction("list users", c -> {
            List<String> users = new ArrayList<>();
            try (PreparedStatement query = c.prepareStatement("SELECT address FROM users ORDER BY address");
                 ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    users.add(rows.getString(1));
                }
            }
            return List.copyOf(users);
        });
    }

    @Override
    public Optional<String> authenticate(String login, char[] password) {
        Optional<String> user = canonicalLogin(login);
        Optional<String> stored = user.flatMap(this::storedHash);
        if (stored.isEmpty()) {
            hasher.verifyDummy(password); // the same work as for a real user, so timing does not tell who exists
            return Optional.empty();
        }
        // A hit needs this password to have passed the slow hash against this stored hash moments ago.
        if (verified.matches(user.get(), stored.get(), password)) {
            return user;
        }
        if (!hasher.verify(password, stored.get())) {
            return Optional.empty();
        }
        if (hasher.needsRehash(stored.get())) {
            upgradeHash(user.get(), password);
        } else {
            verified.remember(user.get(), stored.get(), password);
        }
        return user;
    }

    private Optional<String> canonicalLogin(String login) {
        if (login == null) {
            return Optional.empty();
        }
        return Names.addressOrEmpty(login.indexOf('@') < 0 ? login + "@" + defaultDomain : login);
    }

    private Optional<String> storedHash(String user) {
        return jdbc.inTransaction("look up user " + user, c -> {
            try (PreparedStatement query = c.prepareStatement("SELECT password_hash FROM users WHERE address = ?")) {
                query.setString(1, user);
                try (ResultSet rows = query.executeQuery()) {
                    return rows.next() ? Optional.of(rows.getString(1)) : Optional.<String>empty();
                }
            }
        });
    }

    private boolean updateHash(String user, String hash) {
        return jdbc.inTransaction("change the password of " + user, c -> {
            try (PreparedStatement update = c.prepareStatement("UPDATE users SET password_hash = ? WHERE address = ?")) {
                update.setString(1, hash);
                update.setString(2, user);
                return update.executeUpdate() > 0;
            }
        });
    }

    /** After a successful login with an outdated hash: store one with today's iteration count. */
    private void upgradeHash(String user, char[] password) {
        try {
            updateHash(user, hasher.hash(password));
            LOG.info("Upgraded the password hash of {} to the current iteration count", user);
        } catch (StoreException e) {
            LOG.warn("Could not upgrade the password hash of {}", user, e);
        }
    }

    private static void refuseAdd(Connection c, String user, String domain) throws SQLException {
        if (!JdbcDomains.exists(c, domain)) {
            throw new DirectoryException("domain " + domain + " does not exist; add it before its users");
        }
        try (PreparedStatement query = c.prepareStatement("SELECT 1 FROM users WHERE address = ?")) {
            query.setString(1, user);
            try (ResultSet rows = query.executeQuery()) {
                if (rows.next()) {
                    throw new DirectoryException("user " + user + " already exists");
                }
            }
        }
    }

    private static void requirePassword(char[] password) {
        if (password == null || password.length == 0) {
            throw new DirectoryException("the password must not be empty");
        }
    }
}
