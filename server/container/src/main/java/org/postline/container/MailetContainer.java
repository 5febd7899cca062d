package org.postline.container;

import com.google.inject.Binding;
import com.google.inject.Injector;
import com.google.inject.Key;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.mail.Session;
import javax.mail.internet.AddressException;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.james.core.MailAddress;
import org.apache.mailet.MailetContext;
import org.postline.api.config.ConfigException;
import org.postline.api.queue.MailQueues;
import org.postline.container.config.ClassResolver;
import org.postline.container.config.ContainerConfig;
import org.postline.container.config.ContainerConfigReader;
import org.postline.container.config.PipelineFactory;
import org.postline.container.context.MailSubmitter;
import org.postline.container.context.PostlineMailetContext;
import org.postline.container.dns.DnsClient;
import org.postline.container.processing.Pipeline;
import org.postline.container.remote.OutgoingDeliveries;
import org.postline.container.spool.QueueConsumer;
import org.postline.container.spool.QueueConsumers;
import org.postline.container.spool.SpoolWorker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mailet container: the pipeline of {@code mailetcontainer.xml}, the mailet context, and the Camel
 * routes that feed the pipeline from the spool and deliver the outgoing queues of its RemoteDelivery mailets.
 * {@link #load} checks everything and initialises every mailet (a bad configuration never half-starts);
 * {@link #start} begins consuming the spool and delivering; {@link #close} stops taking mail, lets running
 * mail finish (bounded), destroys the mailets, stops Camel. The outgoing queues come from the
 * {@link MailQueues} the application's injector binds (the store's module does).
 */
public final class MailetContainer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MailetContainer.class);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

    private final ContainerEnvironment env;
    private final ContainerConfig config;
    private final CamelContext camel;
    private final PostlineMailetContext mailetContext;
    private final Pipeline pipeline;
    private final Session session;
    private final Duration drainTimeout;
    private final OutgoingDeliveries deliveries;
    private QueueConsumer routes;
    private SpoolWorker worker;
    private boolean closed;

    private MailetContainer(ContainerEnvironment env, ContainerConfig config, CamelContext camel,
                            PostlineMailetContext mailetContext, Pipeline pipeline, Session session, Duration drainTimeout,
                            OutgoingDeliveries deliveries) {
        this.env = env;
        this.config = config;
        this.camel = camel;
        this.mailetContext = mailetContext;
        this.pipeline = pipeline;
        this.session = session;
        this.drainTimeout = drainTimeout;
        this.deliveries = deliveries;
    }

    /** Parses and validates the file, creates and initialises every mailet and matcher. */
    public static MailetContainer load(Path mailetContainerXml, ContainerEnvironment env) throws ConfigException {
        return load(mailetContainerXml, env, DRAIN_TIMEOUT);
    }

    static MailetContainer load(Path file, ContainerEnvironment env, Duration drainTimeout) throws ConfigException {
        ContainerConfig config = ContainerConfigReader.read(file);
        MailAddress postmaster = postmaster(file, config, env);
        Session session = Session.getInstance(new Properties());
        PostlineMailetContext context = new PostlineMailetContext(env.hostName(), postmaster, env.domains(),
                env.users(), new MailSubmitter(env.spool()), new DnsClient(env.dns()), session);
        Binding<MailQueues> queues = env.injector().getExistingBinding(Key.get(MailQueues.class));
        OutgoingDeliveries deliveries = new OutgoingDeliveries(Optional.ofNullable(queues).map(b -> b.getProvider().get()),
                context, env.repositories(), consumers(env));
        CamelContext camel = new DefaultCamelContext();
        camel.getCamelContextExtension().setName("postline-container");
        camel.setApplicationContextClassLoader(env.extensionLoader());
        camel.getShutdownStrategy().setTimeout(10);
        camel.getShutdownStrategy().setTimeUnit(TimeUnit.SECONDS);
        camel.start();
        try {
            Injector injector = env.injector().createChildInjector(
                    new ContainerModule(env.injector(), env, camel, context, deliveries));
            Pipeline pipeline = new PipelineFactory(config, context, new ClassResolver(env.extensionLoader()),
                    injector::getInstance).build(env.repositories());
            LOG.info("mailet container loaded from {}: processors {}", file, pipeline.states());
            return new MailetContainer(env, config, camel, context, pipeline, session, drainTimeout, deliveries);
        } catch (ConfigException | RuntimeException e) {
            deliveries.close();
            camel.stop();
            throw e;
        }
    }

    private static MailAddress postmaster(Path file, ContainerConfig config, ContainerEnvironment env)
            throws ConfigException {
        String value = config.postmaster().orElse(env.postmaster());
        if (!value.contains("@")) {
            int at = env.postmaster().indexOf('@');
            value = value + "@" + (at >= 0 ? env.postmaster().substring(at + 1) : env.hostName());
        }
        try {
            return new MailAddress(value);
        } catch (AddressException e) {
            throw new ConfigException(file, 0, "context/postmaster", "\"" + value + "\" is not a mail address");
        }
    }

    /** Starts the Camel routes that consume the spool. */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException("the mailet container is closed");
        }
        if (routes != null) {
            return;
        }
        int workers = config.threads().orElse(env.spoolConfig().workers());
        if (config.threads().isPresent()) {
            LOG.info("spooler/threads in {} sets {} spool workers", config.file(), workers);
        }
        worker = new SpoolWorker(env.spool(), pipeline, env.repositories(), env.spoolConfig(), session);
        routes = consumers(env).consume("spool", env.spool(), worker, workers,
                pollInterval(env.spoolConfig().retryDelay()));
        try {
            camel.addRoutes(routes);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the spool routes: " + e.getMessage(), e);
        }
        env.spool().onCommit(routes::wake);
        routes.wake();
        LOG.info("consuming the spool with {} workers", workers);
        deliveries.start(camel, pipeline.errorRepository());
    }

    /** The consumers the application binds (a message broker's), else claiming ones. */
    static QueueConsumers consumers(ContainerEnvironment env) {
        Binding<QueueConsumers> bound = env.injector().getExistingBinding(Key.get(QueueConsumers.class));
        return bound == null ? QueueConsumers.CLAIMING : bound.getProvider().get();
    }

    /** The safety-net poll: often enough to pick up released mail soon after its retry delay. */
    static Duration pollInterval(Duration retryDelay) {
        long half = retryDelay.toMillis() / 2;
        return Duration.ofMillis(Math.max(50, Math.min(5_000, half)));
    }

    /** The processors (states) of the pipeline, e.g. to check a "reprocess into" target. */
    public Set<String> processorNames() {
        return pipeline.states();
    }

    public MailetContext mailetContext() {
        return mailetContext;
    }

    Pipeline pipeline() {
        return pipeline;
    }

    CamelContext camelContext() {
        return camel;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (routes != null) {
            try {
                if (!routes.drain(drainTimeout)) {
                    LOG.warn("mail still being processed after {}; it stays in the spool and runs again at start",
                            drainTimeout);
                }
                if (!worker.close(drainTimeout)) {
                    LOG.warn("processed mail not removed from the spool after {}; it runs again at start", drainTimeout);
                }
                if (!deliveries.drain(drainTimeout)) {
                    LOG.warn("remote deliveries still running after {} were cut; their mail stays queued",
                            drainTimeout);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        pipeline.destroy();
        deliveries.close();
        try {
            camel.stop();
        } catch (RuntimeException e) {
            LOG.warn("stopping Camel failed", e);
        }
        LOG.info("mailet container closed");
    }
}
