package org.postline.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.sql.DataSource;
import org.postline.api.StoreException;
import org.postline.api.config.BodyStorage;
import org.postline.api.config.StorageConfig;
import org.postline.api.directory.Domains;
import org.postline.api.directory.RecipientRewrites;
import org.postline.api.directory.Users;
import org.postline.api.queue.MailQueues;
import org.postline.api.queue.MailRepositories;
import org.postline.api.queue.Spool;
import org.postline.store.blob.BlobStore;
import org.postline.store.directory.JdbcDomains;
import org.postline.store.directory.JdbcRecipientRewrites;
import org.postline.store.directory.JdbcUsers;
import org.postline.store.jdbc.Jdbc;
import org.postline.store.queue.JdbcMailQueues;
import org.postline.store.queue.JdbcMailRepositories;
import org.postline.store.queue.JdbcSpool;
import org.postline.store.queue.MailIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Postline's state: a pooled database (embedded Derby unless the URL says otherwise) with its schema brought up
 * to date at open, and message contents as files or database rows ({@link StorageConfig#bodies()}). {@link #close()} shuts an embedded Derby database down, so a
 * store can be opened again in the same JVM.
 */
public final class Store implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Store.class);
    private static final String DERBY_PREFIX = "jdbc:derby:";

    private final StorageConfig config;
    private final HikariDataSource dataSource;
    private final JdbcDomains domains;
    private final JdbcUsers users;
    private final JdbcRecipientRewrites rewrites;
    private final JdbcSpool spool;
    private final JdbcMailQueues queues;
    private final JdbcMailRepositories repositories;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Store(StorageConfig config, HikariDataSource dataSource, String defaultDomain, Clock clock) {
        this.config = config;
        this.dataSource = dataSource;
        Jdbc jdbc = new Jdbc(dataSource);
        BlobStore blobs = config.bodies() == BodyStorage.DATABASE
                ? new BlobStore(config.blobDirectory(), jdbc, clock)
                : new BlobStore(config.blobDirectory());
        MailIds ids = new MailIds(clock);
        // Embedded Derby admits one process, so directory lookups can be kept in memory; a shared server cannot.
        boolean embedded = config.jdbcUrl().startsWith(DERBY_PREFIX) && !config.jdbcUrl().startsWith(DERBY_PREFIX + "//");
        this.domains = new JdbcDomains(jdbc, embedded);
        this.users = new JdbcUsers(jdbc, defaultDomain, embedded);
        this.rewrites = new JdbcRecipientRewrites(jdbc, embedded);
        this.spool = new JdbcSpool(jdbc, blobs, ids, clock);
        this.queues = new JdbcMailQueues(jdbc, blobs, ids, clock, spool);
        this.repositories = new JdbcMailRepositories(jdbc, blobs, ids, clock);
        spool.sweepOrphans();
        repositories.sweepOrphans();
    }

    /**
     * Opens the store: creates the blob directory, starts the pool, migrates the schema, removes files left by
     * interrupted writes.
     *
     * @param defaultDomain the domain of a login given as a bare name
     * @throws StoreException if the database cannot be opened (for Derby: also when another process has it open)
     */
    public static Store open(StorageConfig config, String defaultDomain) {
        return open(config, defaultDomain, Clock.systemUTC());
    }

    /** As {@link #open(StorageConfig, String)} with a clock for spool times and retry delays (tests). */
    public static Store open(StorageConfig config, String defaultDomain, Clock clock) {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(defaultDomain, "defaultDomain");
        Objects.requireNonNull(clock, "clock");
        String vendor = Migrations.vendor(config.jdbcUrl());
        if ("derby".equals(vendor)) {
            DerbyLog.install();
        }
        HikariDataSource dataSource = startPool(config);
        try {
            Migrations.migrate(dataSource, vendor);
            Store store = new Store(config, dataSource, defaultDomain, clock);
            LOG.info("Store open: database {}, message bodies in {}", withoutAttributes(config.jdbcUrl()),
                    config.bodies() == BodyStorage.DATABASE ? "the database" : config.blobDirectory());
            return store;
        } catch (RuntimeException e) {
            dataSource.close();
            shutdownDerby(config);
            throw e;
        }
    }

    public Domains domains() {
        return domains;
    }

    public Users users() {
        return users;
    }

    public RecipientRewrites rewrites() {
        return rewrites;
    }

    public Spool spool() {
        return spool;
    }

    /** The named queues; {@code queues().queue("spool")} is {@link #spool()}. */
    public MailQueues queues() {
        return queues;
    }

    /** The queue of that name (e.g. "outgoing"), created when first asked for. */
    public Spool queue(String name) {
        return queues.queue(name);
    }

    public MailRepositories repositories() {
        return repositories;
    }

    /** The pool (auto-commit off) for other JDBC code sharing this database. */
    public DataSource dataSource() {
        return dataSource;
    }

    /** Closes the pool and, for embedded Derby, shuts the database down. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            dataSource.close();
            shutdownDerby(config);
            LOG.info("Store closed");
        }
    }

    private static HikariDataSource startPool(StorageConfig config) {
        HikariConfig pool = new HikariConfig();
        pool.setPoolName("postline-store");
        pool.setJdbcUrl(config.jdbcUrl());
        config.user().ifPresent(pool::setUsername);
        config.password().ifPresent(pool::setPassword);
        pool.setMaximumPoolSize(Math.max(1, config.poolSize()));
        pool.setAutoCommit(false);
        pool.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        try {
            return new HikariDataSource(pool);
        } catch (RuntimeException e) {
            if (hasSqlState(e, "XSDB6")) {
                throw new StoreException("the database " + derbyDatabase(config.jdbcUrl())
                        + " is in use by another Postline process; stop that one first", e);
            }
            throw new StoreException("could not open the database " + withoutAttributes(config.jdbcUrl()) + ": "
                    + rootMessage(e), e);
        }
    }

    /** Shuts down only this database (not the whole engine, which other stores in the JVM may be using). */
    private static void shutdownDerby(StorageConfig config) {
        if (!config.jdbcUrl().startsWith(DERBY_PREFIX)) {
            return;
        }
        Properties credentials = new Properties();
        config.user().ifPresent(user -> credentials.setProperty("user", user));
        config.password().ifPresent(password -> credentials.setProperty("password", password));
        try {
            DriverManager.getConnection(DERBY_PREFIX + derbyDatabase(config.jdbcUrl()) + ";shutdown=true", credentials)
                    .close();
            LOG.warn("Derby did not confirm the shutdown of {}", derbyDatabase(config.jdbcUrl()));
        } catch (SQLException e) {
            if (!"08006".equals(e.getSQLState()) && !"XJ015".equals(e.getSQLState())) {
                LOG.warn("Shutting down the Derby database {} failed", derbyDatabase(config.jdbcUrl()), e);
            }
        }
    }

    /** The database name in a Derby URL: what lies between the prefix and the first attribute. */
    static String derbyDatabase(String jdbcUrl) {
        String rest = jdbcUrl.substring(Math.min(DERBY_PREFIX.length(), jdbcUrl.length()));
        int attributes = rest.indexOf(';');
        return attributes < 0 ? rest : rest.substring(0, attributes);
    }

    /** The URL without attributes or query parameters, which may hold credentials, for messages and logs. */
    private static String withoutAttributes(String jdbcUrl) {
        int cut = jdbcUrl.length();
        for (char c : new char[] {';', '?'}) {
            int at = jdbcUrl.indexOf(c);
            if (at >= 0) {
                cut = Math.min(cut, at);
            }
        }
        return jdbcUrl.substring(0, cut);
    }

    /** Searches causes and chained SQL exceptions (Derby reports XSDB6 as the next exception of XJ040). */
    private static boolean hasSqlState(Throwable error, String state) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> pending = new ArrayDeque<>();
        pending.add(error);
        while (!pending.isEmpty()) {
            Throwable t = pending.poll();
            if (!seen.add(t)) {
                continue;
            }
            if (t instanceof SQLException sql) {
                if (state.equals(sql.getSQLState())) {
                    return true;
                }
                if (sql.getNextException() != null) {
                    pending.add(sql.getNextException());
                }
            }
            if (t.getCause() != null) {
                pending.add(t.getCause());
            }
        }
        return false;
    }

    private static String rootMessage(Throwable error) {
        Throwable t = error;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
