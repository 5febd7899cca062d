package org.postline.broker;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.postline.api.config.BrokerConfig;
import org.postline.api.queue.MailQueues;
import org.postline.api.queue.Spool;
import org.postline.container.spool.QueueConsumer;
import org.postline.container.spool.QueueConsumers;
import org.postline.container.spool.QueueWorker;
import org.postline.store.blob.BlobStore;
import org.postline.store.jdbc.Jdbc;
import org.postline.store.queue.MailIds;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The spool and the outgoing queues on an Artemis broker, shared by every node connected to it, with the
 * mail contents in the shared database. Also the {@link QueueConsumers} that take this broker's mail.
 */
public final class BrokerQueues implements MailQueues, QueueConsumers, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerQueues.class);
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final BrokerConfig config;
    private final BrokerConnection connection;
    private final BlobStore blobs;
    private final MailIds ids;
    private final Clock clock;
    private final QueueSize size;
    private final Map<String, BrokerSpool> queues = new ConcurrentHashMap<>();

    private BrokerQueues(BrokerConfig config, BrokerConnection connection, BlobStore blobs, Clock clock,
                         QueueSize size) {
        this.config = config;
        this.connection = connection;
        this.blobs = blobs;
        this.ids = new MailIds(clock);
        this.clock = clock;
        this.size = size;
    }

    /**
     * Connects to the broker.
     *
     * @param dataSource   the shared database (the store's), where the contents go
     * @param tmpDirectory where contents are written before they are stored
     * @throws IllegalStateException if the broker cannot be reached
     */
    public static BrokerQueues connect(BrokerConfig config, DataSource dataSource, Path tmpDirectory, Clock clock) {
        BrokerConnection connection = new BrokerConnection(config);
        BlobStore blobs = new BlobStore(tmpDirectory, new Jdbc(dataSource), clock);
        LOG.info("Queues on the broker {} (prefix {}), mail contents in the database", config.url(),
                config.queuePrefix());
        return new BrokerQueues(config, connection, blobs, clock, new QueueSize(dataSource, clock));
    }

    /** The incoming spool. */
    public Spool spool() {
        return queue(SPOOL);
    }

    @Override
    public Spool queue(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("not a queue name: " + name);
        }
        return queues.computeIfAbsent(name, n -> new BrokerSpool(n, config.queuePrefix() + n, blobs, ids, clock,
                connection, size));
    }

    @Override
    public QueueConsumer consume(String name, Spool queue, QueueWorker worker, int workers, Duration pollInterval) {
        if (queue instanceof BrokerSpool onBroker) {
            return new BrokerRoutes(name, onBroker, connection.factory(), worker, workers, clock);
        }
        return CLAIMING.consume(name, queue, worker, workers, pollInterval);
    }

    BrokerConnection connection() {
        return connection;
    }

    String queuePrefix() {
        return config.queuePrefix();
    }

    @Override
    public void close() {
        connection.close();
    }
}
