package org.postline.store.directory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.postline.api.StoreException;
import org.postline.api.directory.DirectoryException;
import org.postline.api.directory.RecipientRewrites;
import org.postline.api.directory.Rewrite;
import org.postline.store.jdbc.Jdbc;

/**
 * {@link RecipientRewrites} in the {@code recipient_rewrites} table. Sources and targets are validated for their
 * kind; whether a source domain is local is not required here (a domain alias may name a domain that is not).
 */
public final class JdbcRecipientRewrites implements RecipientRewrites {

    private static final String COLUMNS = "SELECT kind, source, target FROM recipient_rewrites";
    private static final String ORDER = " ORDER BY kind, source, target";
    /** Kinds in their declared order (ADDRESS, DOMAIN, CATCH_ALL), not alphabetically as SQL would. */
    private static final Comparator<Rewrite> RULE_ORDER = Comparator.comparing(Rewrite::kind)
            .thenComparing(Rewrite::source).thenComparing(Rewrite::target);

    private final Jdbc jdbc;
    /** Rules by source: each SMTP RCPT asks for its address and its domain. */
    private final LookupCache<String, List<Rewrite>> bySource;

    public JdbcRecipientRewrites(Jdbc jdbc) {
        this(jdbc, false);
    }

    /** @param onlyThisProcessWrites whether lookups may be kept in memory (an embedded database) */
    public JdbcRecipientRewrites(Jdbc jdbc, boolean onlyThisProcessWrites) {
        this.jdbc = jdbc;
        this.bySource = LookupCache.forDatabase(onlyThisProcessWrites);
    }

    @Override
    public void add(Rewrite rewrite) {
        Rewrite rule = validated(rewrite);
        try {
            addRule(rule);
        } finally {
            bySource.invalidate();
        }
    }

    private void addRule(Rewrite rule) {
        try {
            jdbc.inTransactionOrThrow(c -> {
                if (existsRule(c, rule)) {
                    throw duplicate(rule);
                }
                try (PreparedStatement insert =
                             c.prepareStatement("INSERT INTO recipient_rewrites (kind, source, target) VALUES (?, ?, ?)")) {
                    bind(insert, rule);
                    insert.executeUpdate();
                }
                return null;
            });
        } catch (SQLException e) {
            if (Jdbc.isConstraintViolation(e)) {
                throw duplicate(rule);
            }
            throw new StoreException("could not add rewrite rule " + describe(rule) + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean remove(Rewrite rewrite) {
        try {
            return removeRule(rewrite);
        } finally {
            bySource.invalidate();
        }
    }

    private boolean removeRule(Rewrite rewrite) {
        return jdbc.inTransaction("remove rewrite rule " + describe(rewrite), c -> {
            try (PreparedStatement delete = c.prepareStatement(
                    "DELETE FROM recipient_rewrites WHERE kind = ? AND source = ? AND target = ?")) {
                bind(delete, rewrite);
                return delete.executeUpdate() > 0;
            }
        });
    }

    @Override
    public List<Rewrite> list() {
        return query("list rewrite rules", COLUMNS + ORDER);
    }

    @Override
    public List<Rewrite> forSource(String source) {
        String key = source.toLowerCase(Locale.ROOT);
        return bySource.get(key, () -> query("look up rewrite rules", COLUMNS + " WHERE source = ?" + ORDER, key));
    }

    @Override
    public List<Rewrite> targeting(String address) {
        return query("look up rewrite rules", COLUMNS + " WHERE kind = 'ADDRESS' AND target = ?" + ORDER,
                address.toLowerCase(Locale.ROOT));
    }

    private List<Rewrite> query(String action, String sql, String... parameters) {
        return jdbc.inTransaction(action, c -> {
            List<Rewrite> rules = new ArrayList<>();
            try (PreparedStatement query = c.prepareStatement(sql)) {
                for (int i = 0; i < parameters.length; i++) {
                    query.setString(i + 1, parameters[i]);
                }
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        rules.add(new Rewrite(Rewrite.Kind.valueOf(rows.getString(1)), rows.getString(2),
                                rows.getString(3)));
                    }
                }
            }
            rules.sort(RULE_ORDER);
            return List.copyOf(rules);
        });
    }

    /** The rule with canonical names, or a DirectoryException saying what is wrong with it. */
    private static Rewrite validated(Rewrite rule) {
        if (rule == null || rule.kind() == null) {
            throw new DirectoryException("a rewrite rule needs a kind: ADDRESS, DOMAIN or CATCH_ALL");
        }
        String source;
        String target;
        switch (rule.kind()) {
            case ADDRESS -> {
                source = Names.addressOrEmpty(rule.source()).orElseThrow(() -> malformed("source address", rule.source()));
                target = Names.addressOrEmpty(rule.target()).orElseThrow(() -> malformed("target address", rule.target()));
            }
            case DOMAIN -> {
                source = Names.domainOrEmpty(rule.source()).orElseThrow(() -> malformed("source domain", rule.source()));
                target = Names.domainOrEmpty(rule.target()).orElseThrow(() -> malformed("target domain", rule.target()));
            }
            case CATCH_ALL -> {
                source = Names.domainOrEmpty(rule.source()).orElseThrow(() -> malformed("source domain", rule.source()));
                target = Names.addressOrEmpty(rule.target()).orElseThrow(() -> malformed("target address", rule.target()));
            }
            default -> throw new IllegalStateException("unknown kind " + rule.kind());
        }
        if (rule.kind() != Rewrite.Kind.CATCH_ALL && source.equals(target)) {
            throw new DirectoryException("a rewrite rule cannot point " + source + " at itself");
        }
        return new Rewrite(rule.kind(), source, target);
    }

    private static DirectoryException malformed(String what, String value) {
        return new DirectoryException("invalid " + what + " '" + Names.printable(value) + "' in rewrite rule");
    }

    private static DirectoryException duplicate(Rewrite rule) {
        return new DirectoryException("rewrite rule " + describe(rule) + " already exists");
    }

    private static String describe(Rewrite rule) {
        return rule.kind() + " " + Names.printable(rule.source()) + " -> " + Names.printable(rule.target());
    }

    private static boolean existsRule(Connection c, Rewrite rule) throws SQLException {
        try (PreparedStatement query = c.prepareStatement(
                "SELECT 1 FROM recipient_rewrites WHERE kind = ? AND source = ? AND target = ?")) {
            bind(query, rule);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    private static void bind(PreparedStatement statement, Rewrite rule) throws SQLException {
        statement.setString(1, rule.kind().name());
        statement.setString(2, rule.source());
        statement.setString(3, rule.target());
    }
}
