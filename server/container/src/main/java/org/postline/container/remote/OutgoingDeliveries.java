package org.postline.container.remote;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.postline.api.queue.MailQueues;
import org.postline.api.queue.MailRepositories;
import org.postline.api.queue.Spool;
import org.postline.container.context.PostlineMailetContext;
import org.postline.container.spool.QueueConsumer;
import org.postline.container.spool.QueueConsumers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The remote deliveries of one mailet container. Each RemoteDelivery mailet registers its outgoing queue
 * here when it is initialised; {@link #start} gives every queue its Camel routes (as many workers as the
 * mailet asks for), {@link #drain} and {@link #close} stop them with the container.
 */
public final class OutgoingDeliveries implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutgoingDeliveries.class);
    private static final Duration KEEP_IDLE_CONNECTIONS = Duration.ofSeconds(10);

    private final Optional<MailQueues> queues;
    private final PostlineMailetContext context;
    private final MailRepositories repositories;
    private final Map<String, Registration> registrations = new LinkedHashMap<>();
    private final QueueConsumers consumers;
    private final List<QueueConsumer> routes = new ArrayList<>();
    private ScheduledExecutorService sweeper;
    private boolean closed;

    private record Registration(DeliveryConfig config, Spool queue, ConnectionPool pool) {
    }

    /** @param queues the store's queues; empty when the server was built without them (RemoteDelivery then refuses) */
    public OutgoingDeliveries(Optional<MailQueues> queues, PostlineMailetContext context, MailRepositories repositories) {
        this(queues, context, repositories, QueueConsumers.CLAIMING);
    }

    /** @param consumers how each queue's mail reaches its workers (claimed from the store, or pushed by a broker) */
    public OutgoingDeliveries(Optional<MailQueues> queues, PostlineMailetContext context, MailRepositories repositories,
                              QueueConsumers consumers) {
        this.consumers = consumers;
        this.queues = queues;
        this.context = context;
        this.repositories = repositories;
    }

    /** The server's name, RemoteDelivery's default HELO name. */
    public String hostName() {
        return context.hostName();
    }

    /**
     * Claims the configuration's queue for this delivery.
     *
     * @return the queue to put mail on
     * @throws IllegalStateException if there are no queues or another RemoteDelivery uses the same queue
     */
    public synchronized Spool register(DeliveryConfig config) {
        if (queues.isEmpty()) {
            throw new IllegalStateException("remote delivery needs the store's mail queues (MailQueues), which this"
                    + " server does not provide");
        }
        if (registrations.containsKey(config.queue())) {
            throw new IllegalStateException("the outgoing queue '" + config.queue() + "' is used by another"
                    + " RemoteDelivery; give each its own outgoingQueue");
        }
        Spool queue = queues.get().queue(config.queue());
        registrations.put(config.queue(), new Registration(config, queue, new ConnectionPool(KEEP_IDLE_CONNECTIONS)));
        return queue;
    }

    /** Starts delivering every registered queue; mail left queued from before a restart is picked up too. */
    public synchronized void start(CamelContext camel, String errorRepository) {
        if (closed || !routes.isEmpty() || registrations.isEmpty()) {
            return;
        }
        sweeper = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "postline-outgoing-connections");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(() -> registrations.values().forEach(r -> r.pool().sweep()),
                KEEP_IDLE_CONNECTIONS.toMillis(), KEEP_IDLE_CONNECTIONS.toMillis() / 2, TimeUnit.MILLISECONDS);
        for (Registration registration : registrations.values()) {
            DeliveryConfig config = registration.config();
            SmtpDelivery smtp = new SmtpDelivery(config, context.dns(), new Connector(config), registration.pool());
            OutgoingWorker worker = new OutgoingWorker(config, registration.queue(), smtp, context, context.session(),
                    context.hostName(), repositories, errorRepository, Clock.systemUTC());
            QueueConsumer queueRoutes = consumers.consume("remote-" + config.queue(), registration.queue(), worker,
                    config.threads(), pollInterval(config));
            try {
                camel.addRoutes(queueRoutes);
            } catch (Exception e) {
                throw new IllegalStateException("cannot start delivering queue " + config.queue() + ": " + e.getMessage(), e);
            }
            routes.add(queueRoutes);
            registration.queue().onCommit(queueRoutes::wake);
            queueRoutes.wake();
            LOG.info("delivering queue '{}' with {} workers {}; {} mail(s) waiting", config.queue(), config.threads(),
                    config.gateways().isEmpty() ? "to MX hosts" : "through " + config.gateways(),
                    registration.queue().size());
        }
    }

    /** Often enough to catch a retry soon after it falls due, rarely enough to cost nothing. */
    static Duration pollInterval(DeliveryConfig config) {
        long half = config.schedule().shortest().toMillis() / 2;
        return Duration.ofMillis(Math.max(50, Math.min(5_000, half)));
    }

    /** Stops claiming and waits for running deliveries; then cuts the connections still in use. */
    public synchronized boolean drain(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean all = true;
        for (QueueConsumer r : routes) {
            all &= r.drain(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
        }
        if (!all) {
            registrations.values().forEach(r -> r.pool().abortInUse());
        }
        return all;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (sweeper != null) {
            sweeper.shutdownNow();
        }
        registrations.values().forEach(r -> r.pool().close());
    }
}
