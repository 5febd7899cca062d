package org.postline.store.directory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postline.api.StoreException;
import org.postline.api.directory.DirectoryException;
import org.postline.api.directory.Domains;
import org.postline.store.jdbc.Jdbc;

/** {@link Domains} in the {@code domains} table; every call reads the database, so changes are seen at once. */
public final class JdbcDomains implements Domains {

    private final Jdbc jdbc;
    /** Whether a domain is local: asked on every SMTP RCPT. */
    private final LookupCache<String, Boolean> local;

    public JdbcDomains(Jdbc jdbc) {
        this(jdbc, false);
    }

    /** @param onlyThisProcessWrites whether lookups may be kept in memory (an embedded database) */
    public JdbcDomains(Jdbc jdbc, boolean onlyThisProcessWrites) {
        this.jdbc = jdbc;
        this.local = LookupCache.forDatabase(onlyThisProcessWrites);
    }

    @Override
    public void add(String domain) {
        String name = Names.domain(domain);
        try {
            addDomain(name);
        } finally {
            local.invalidate();
        }
    }

    private void addDomain(String name) {
        try {
            jdbc.inTransactionOrThrow(c -> {
                if (exists(c, name)) {
                    throw new DirectoryException("domain " + name + " already exists");
                }
                try (PreparedStatement insert = c.prepareStatement("INSERT INTO domains (name) VALUES (?)")) {
                    insert.setString(1, name);
                    insert.executeUpdate();
                }
                return null;
            });
        } catch (SQLException e) {
            if (Jdbc.isConstraintViolation(e)) {
                throw new DirectoryException("domain " + name + " already exists");
            }
            throw new StoreException("could not add domain " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean remove(String domain) {
        Optional<String> canonical = Names.domainOrEmpty(domain);
        if (canonical.isEmpty()) {
            return false;
        }
        try {
            return removeDomain(canonical.get());
        } finally {
            local.invalidate();
        }
    }

    private boolean removeDomain(String name) {
        try {
            return jdbc.inTransactionOrThrow(c -> {
                refuseIfUsed(c, name);
                try (PreparedStatement delete = c.prepareStatement("DELETE FROM domains WHERE name = ?")) {
                    delete.setString(1, name);
                    return delete.executeUpdate() > 0;
                }
            });
        } catch (SQLException e) {
            if (Jdbc.isConstraintViolation(e)) {
                // A user was added between the check and the delete.
                throw new DirectoryException("domain " + name + " is still used by users; remove them first");
            }
            throw new StoreException("could not remove domain " + name + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean isLocal(String domain) {
        Optional<String> name = Names.domainOrEmpty(domain);
        return name.isPresent() && local.get(name.get(),
                () -> jdbc.inTransaction("look up domain " + name.get(), c -> exists(c, name.get())));
    }

    @Override
    public List<String> list() {
        return jdbc.inTransaction("list domains", c -> {
            List<String> names = new ArrayList<>();
            try (PreparedStatement query = c.prepareStatement("SELECT name FROM domains ORDER BY name");
                 ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
            return List.copyOf(names);
        });
    }

    static boolean exists(Connection c, String name) throws SQLException {
        try (PreparedStatement query = c.prepareStatement("SELECT 1 FROM domains WHERE name = ?")) {
            query.setString(1, name);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static void refuseIfUsed(Connection c, String name) throws SQLException {
        long users = count(c, "SELECT COUNT(*) FROM users WHERE domain = ?", name);
        // Rules whose source lies in the domain, and domain aliases pointing at it.
        long rules = count(c, "SELECT COUNT(*) FROM recipient_rewrites WHERE source = ? OR source LIKE ?"
                + " OR (kind = 'DOMAIN' AND target = ?)", name, "%@" + name, name);
        if (users > 0 || rules > 0) {
            List<String> uses = new ArrayList<>();
            if (users > 0) {
                uses.add(users + (users == 1 ? " user" : " users"));
            }
            if (rules > 0) {
                uses.add(rules + (rules == 1 ? " rewrite rule" : " rewrite rules"));
            }
            throw new DirectoryException("domain " + name + " is still used by " + String.join(" and ", uses)
                    + "; remove them first");
        }
    }

    private static long count(Connection c, String sql, String... parameters) throws SQLException {
        try (PreparedStatement query = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                query.setString(i + 1, parameters[i]);
            }
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }
}
