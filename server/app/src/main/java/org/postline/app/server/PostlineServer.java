package org.postline.app.server;

import com.google.inject.Guice;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.postline.api.StoreException;
import org.postline.api.config.ConfigException;
import org.postline.api.config.ListenerConfig;
import org.postline.api.config.ServerConfig;
import org.postline.api.queue.Spool;
import org.postline.app.admin.AdminCommands;
import org.postline.app.admin.AdminServer;
import org.postline.app.admin.KnownProcessors;
import org.postline.app.config.LoadedConfig;
import org.postline.broker.BrokerQueues;
import org.postline.broker.MailboxEventRelay;
import org.postline.container.ContainerEnvironment;
import org.postline.container.MailetContainer;
import org.postline.mailbox.MailboxStore;
import org.postline.mailbox.jdbc.JdbcMailboxId;
import org.postline.mailbox.jdbc.PostlineMessageId;
import org.postline.protocols.Listener;
import org.postline.protocols.ListenerStartException;
import org.postline.protocols.imap.ImapContext;
import org.postline.protocols.imap.ImapLimits;
import org.postline.protocols.imap.ImapListener;
import org.postline.protocols.pop3.Pop3Context;
import org.postline.protocols.pop3.Pop3Listener;
import org.postline.protocols.smtp.DnsBlocklists;
import org.postline.protocols.smtp.DnsblSettings;
import org.postline.protocols.smtp.SmtpContext;
import org.postline.protocols.smtp.SmtpListener;
import org.postline.store.Store;
import org.postline.store.StoreModule;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Postline: store, mailet container, listeners and admin channel, started in that order and closed
 * in reverse. Either everything starts or nothing is left running.
 */
public final class PostlineServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PostlineServer.class);

    /**
     * A listener that is accepting connections, and where.
     *
     * @param shownHost the bound address, or the configured one when the socket is bound to a wildcard
     *                  (Netty reports "::" for a listener configured on 0.0.0.0)
     */
    public record BoundListener(String name, String protocol, InetSocketAddress address, String shownHost) {

        static BoundListener of(ListenerConfig listener, InetSocketAddress address) {
            String host = address.getAddress().isAnyLocalAddress()
                    ? listener.bindAddress() : address.getAddress().getHostAddress();
            return new BoundListener(listener.name(), listener.protocol().name().toLowerCase(Locale.ROOT), address,
                    host.contains(":") ? "[" + host + "]" : host);
        }

        @Override
        public String toString() {
            return name + " " + shownHost + ":" + address.getPort();
        }
    }

    /** Something started, with how to stop it. */
    private record Part(String name, AutoCloseable closer) {
    }

    /** In start order: store, extensions, container, listeners, admin channel. */
    private final List<Part> parts;
    private final List<BoundListener> bound;
    private final Path adminSocket;
    private final Store store;
    private final AtomicBoolean closed = new AtomicBoolean();

    private PostlineServer(List<Part> parts, List<BoundListener> bound, Path adminSocket, Store store) {
        this.store = store;
        this.parts = List.copyOf(parts);
        this.bound = List.copyOf(bound);
        this.adminSocket = adminSocket;
    }

    /**
     * @param home the Postline home: extensions/ is found there
     * @throws ConfigException  if conf/mailetcontainer.xml is wrong
     * @throws StartupException if the store cannot be opened, a listener cannot bind, or the admin socket is taken
     */
    public static PostlineServer start(LoadedConfig loaded, Path home) throws ConfigException, StartupException {
        ServerConfig config = loaded.config();
        List<Part> started = new ArrayList<>();
        EarlyListeners early = null;
        try {
            Store store = openStore(config);
            started.add(new Part("store", store::close));
            Optional<BrokerQueues> broker = connectBroker(config, store);
            broker.ifPresent(queues -> started.add(new Part("broker queues", queues::close)));
            Spool spool = broker.map(BrokerQueues::spool).orElse(store.spool());

            // SMTP needs only the store and the spool, so its listeners bind (and greet) while the mailbox store
            // and the mailet container load. Mail accepted meanwhile waits in the spool for container.start().
            SmtpContext smtpContext = new SmtpContext(config.hostName(), store.domains(), store.users(),
                    store.rewrites(), spool, config.relay(), config.spool(), config.varDirectory());
            early = new EarlyListeners(config.listeners().stream()
                    .filter(listener -> listener.protocol() == ListenerConfig.Protocol.SMTP).toList(),
                    listener -> () -> startListener(loaded, listener, smtpListener(loaded, listener, smtpContext)));

            MailboxStore mailboxes = openMailboxes(config, store);
            started.add(new Part("mailbox store", mailboxes::close));
            if (broker.isPresent()) {
                MailboxEventRelay relay = relayMailboxEvents(broker.get(), mailboxes);
                started.add(new Part("mailbox event relay", relay::close));
            }
            Module storage = broker.isEmpty() ? new StoreModule(store)
                    : Modules.override(new StoreModule(store)).with(new BrokerModule(broker.get()));
            Injector injector = Guice.createInjector(new ServerModule(config), storage, new MailboxModule(mailboxes));
            URLClassLoader extensions = extensions(home);
            started.add(new Part("extension class loader", extensions::close));

            ContainerEnvironment environment = new ContainerEnvironment(config.hostName(),
                    config.postmaster(), store.domains(), store.users(), store.rewrites(),
                    spool, store.repositories(), config.spool(), config.dns(), injector, extensions);
            MailetContainer container = MailetContainer.load(config.mailetContainerFile(), environment);
            started.add(new Part("mailet container", container::close));

            Pop3Context pop3Context = new Pop3Context(config.hostName(), store.users(), mailboxes.mailboxManager(),
                    config.varDirectory());
            ImapContext imapContext = new ImapContext(config.hostName(), store.users(), mailboxes.mailboxManager(),
                    mailboxes.subscriptionManager(), mailboxes.eventBus(), mailboxes.quotaManager(),
                    mailboxes.quotaRootResolver(), mailboxes.metricFactory(), config.varDirectory());
            List<BoundListener> bound = new ArrayList<>();
            for (ListenerConfig listener : config.listeners()) {
                EarlyListeners.Started running = early.holds(listener) ? early.take(listener)
                        : startListener(loaded, listener, mailboxListener(listener, pop3Context, imapContext,
                                loaded.imapLimitsOf(listener.name())));
                started.add(new Part("listener " + listener.name(), running.listener()::close));
                bound.add(running.bound());
            }

            container.start();
            AdminServer admin = startAdmin(config, store, spool,
                    KnownProcessors.of(container.processorNames(), "the running pipeline"));
            started.add(new Part("admin channel", admin::close));

            PostlineServer server = new PostlineServer(started, bound, admin.socket(), store);
            LOG.info("{}", server.readyLine());
            return server;
        } catch (ConfigException | StartupException | RuntimeException | Error e) {
            if (early != null) {
                early.close();
            }
            closeInReverse(started);
            throw e;
        }
    }

    /** Binds; on failure closes it and says which setting to fix. */
    private static EarlyListeners.Started startListener(LoadedConfig loaded, ListenerConfig listener, Listener running)
            throws StartupException {
        try {
            running.start();
        } catch (ListenerStartException e) {
            running.close();
            throw new StartupException(listenerFailure(loaded, listener, e), e);
        }
        return new EarlyListeners.Started(running, BoundListener.of(listener, running.boundAddress()));
    }

    private static SmtpListener smtpListener(LoadedConfig loaded, ListenerConfig listener, SmtpContext smtp) {
        DnsblSettings blocklists = loaded.dnsblOf(listener.name());
        return blocklists.enabled()
                ? new SmtpListener(listener, smtp, Optional.of(new DnsBlocklists(blocklists, loaded.config().dns().resolvers())))
                : new SmtpListener(listener, smtp);
    }

    private static Listener mailboxListener(ListenerConfig listener, Pop3Context pop3, ImapContext imap,
                                            ImapLimits imapLimits) {
        return switch (listener.protocol()) {
            case SMTP -> throw new IllegalArgumentException("SMTP listeners start early");
            case POP3 -> new Pop3Listener(listener, pop3);
            case IMAP -> new ImapListener(listener, imap, imapLimits);
        };
    }

    private static Store openStore(ServerConfig config) throws StartupException {
        try {
            return StoreOpener.open(config);
        } catch (StoreException e) {
            throw new StartupException("cannot open the store: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new StartupException("cannot create " + config.varDirectory() + ": " + e.getMessage(), e);
        }
    }

    /** The spool and outgoing queues on the configured broker, if any; the mail contents go to the store's database. */
    private static Optional<BrokerQueues> connectBroker(ServerConfig config, Store store) throws StartupException {
        if (config.broker().isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(BrokerQueues.connect(config.broker().get(), store.dataSource(),
                    config.storage().blobDirectory(), Clock.systemUTC()));
        } catch (RuntimeException e) {
            throw new StartupException("cannot use the broker " + config.broker().get().url() + ": " + e.getMessage(), e);
        }
    }

    /** IMAP sessions on every node hear of changes made on any node. */
    private static MailboxEventRelay relayMailboxEvents(BrokerQueues broker, MailboxStore mailboxes)
            throws StartupException {
        try {
            return MailboxEventRelay.start(broker, mailboxes.eventBus(), new JdbcMailboxId.Factory(),
                    new PostlineMessageId.Factory());
        } catch (RuntimeException e) {
            throw new StartupException(e.getMessage(), e);
        }
    }

    /** After the store: its migrations run first on a new database, the mailbox tables join them. */
    private static MailboxStore openMailboxes(ServerConfig config, Store store) throws StartupException {
        try {
            return MailboxStore.open(store.dataSource(), config.storage().blobDirectory().resolve("mailboxes"),
                    config.storage().bodies(), store.users());
        } catch (StoreException e) {
            throw new StartupException("cannot open the mailbox store: " + e.getMessage(), e);
        }
    }

    private static URLClassLoader extensions(Path home) throws StartupException {
        try {
            return ExtensionClassLoader.over(StoreOpener.extensionsDirectory(home), PostlineServer.class.getClassLoader());
        } catch (IOException e) {
            throw new StartupException("cannot read the extensions directory: " + e.getMessage(), e);
        }
    }

    private static AdminServer startAdmin(ServerConfig config, Store store, Spool spool, KnownProcessors processors)
            throws StartupException {
        try {
            return AdminServer.start(config.admin().socket(), new AdminCommands(store, spool, processors),
                    config.varDirectory());
        } catch (IOException e) {
            throw new StartupException(new ConfigException(config.source(), 0, "admin/socket",
                    "cannot serve the admin channel: " + e.getMessage()).getMessage(), e);
        }
    }

    /**
     * "conf/postline.xml:14: listeners/smtp[submission]: port 587 on 0.0.0.0 is already in use". The listener's
     * message already says how to get a privileged port.
     */
    static String listenerFailure(LoadedConfig loaded, ListenerConfig listener, ListenerStartException e) {
        String setting = "listeners/" + listener.protocol().name().toLowerCase(Locale.ROOT) + "[" + listener.name() + "]";
        return new ConfigException(loaded.config().source(), loaded.lineOf(listener.name()), setting,
                String.valueOf(e.getMessage())).getMessage();
    }

    public List<BoundListener> listeners() {
        return bound;
    }

    /** The open store (tests look into its repositories). */
    Store store() {
        return store;
    }

    public Path adminSocket() {
        return adminSocket;
    }

    /** "Postline ready: smtp 127.0.0.1:25, submission 0.0.0.0:587". */
    public String readyLine() {
        List<String> parts = bound.stream().map(BoundListener::toString).toList();
        return "Postline ready: " + (parts.isEmpty() ? "no listeners" : String.join(", ", parts));
    }

    /** Stops accepting, lets sessions in flight finish, closes the container, the admin channel and the store. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info("Postline stopping");
        // Reverse start order: the admin channel, then the listeners (stop accepting, finish sessions in
        // flight), the container (finish mail in flight), and the stores last, since all before may write to them.
        closeInReverse(parts);
        LOG.info("Postline stopped");
    }

    private static void closeInReverse(List<Part> started) {
        for (int i = started.size() - 1; i >= 0; i--) {
            closeQuietly(started.get(i));
        }
    }

    private static void closeQuietly(Part part) {
        try {
            part.closer().close();
        } catch (Exception e) {
            LOG.warn("Closing the {} failed: {}", part.name(), e.toString());
        }
    }
}
