package org.postline.protocols.imap;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundInvoker;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.ImmediateEventExecutor;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imap.encode.main.DefaultImapEncoderFactory;
import org.apache.james.imap.encode.main.DefaultLocalizer;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.decode.parser.ImapParserFactory;
import org.apache.james.imap.message.response.UnpooledStatusResponseFactory;
import org.apache.james.imap.processor.main.DefaultImapProcessorFactory;
import org.apache.james.imapserver.netty.ImapMetrics;
import org.apache.james.imapserver.netty.NettyConstants;
import org.apache.james.imapserver.netty.ReactiveThrottler;
import org.apache.james.metrics.api.NoopGaugeRegistry;
import org.apache.james.protocols.api.ClientAuth;
import org.apache.james.protocols.netty.Encryption;
import org.postline.api.config.ListenerConfig;
import org.postline.api.config.ListenerLimits;
import org.postline.protocols.Listener;
import org.postline.protocols.ListenerStartException;
import org.postline.protocols.netty.ConnectionLimiter;
import org.postline.protocols.tls.TlsContexts;
import org.postline.protocols.tls.TlsSetupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP port: STARTTLS offered (usually 143) or implicit TLS (usually 993), as its {@link ListenerConfig}
 * says, over the mailboxes of an {@link ImapContext}. Decoding, processing (but for IDLE, see
 * {@link IdleWithFlagUpdates}, and FETCH of metadata or whole messages, see {@link MetadataFetch} and
 * {@link WholeMessageFetch}; nothing changes a mailbox opened with EXAMINE, see {@link ReadOnlySelection}) and encoding
 * are James's (protocols-imap 3.8.1); the connection handlers are
 * James's Netty IMAP handlers (james-server-protocols-imap4), bootstrapped here rather than by James's IMAPServer so that: the TLS
 * context comes from {@link TlsContexts} without a keystore file; loopback clients may log in without TLS;
 * connections over a limit get a BYE; the idle timeout before login may be shorter than 30 minutes; a failed
 * bind leaves no threads behind; and no JMX bean is registered.
 */
public final class ImapListener implements Listener {

    /** How long {@link #close()} waits for commands in flight. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);
    /** Literals larger than this are spooled to a temporary file by James's decoder rather than kept in memory. */
    static final int IN_MEMORY_LITERAL_LIMIT = 1024 * 1024;

    private static final Logger LOGGER = LoggerFactory.getLogger(ImapListener.class);
    private static final AttributeKey<Boolean> SAID_GOODBYE = AttributeKey.valueOf("postline.imap.goodbye");
    private static final int BACKLOG = 250;
    /** Threads running James's processors: mailbox calls block on the database, so not on the I/O threads. */
    private static final int HANDLER_THREADS = 16;
    private static final Duration SWEEP_INTERVAL = Duration.ofMillis(50);
    private static final Duration QUIET_PERIOD = Duration.ofMillis(100);

    private final ListenerConfig config;
    private final ImapContext context;
    private final ImapLimits imapLimits;
    private final boolean metadataFetch;
    private final ChannelGroup clients = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE);
    private EventLoopGroup acceptors;
    private EventLoopGroup io;
    private EventExecutorGroup handlers;
    private Channel serverChannel;

    /** @throws IllegalArgumentException if the listener is not an IMAP one */
    public ImapListener(ListenerConfig config, ImapContext context) {
        this(config, context, ImapLimits.defaults());
    }

    public ImapListener(ListenerConfig config, ImapContext context, ImapLimits imapLimits) {
        this(config, context, imapLimits, true);
    }

    /** With {@code metadataFetch} false, every FETCH goes to James's processor (tests compare the two). */
    ImapListener(ListenerConfig config, ImapContext context, ImapLimits imapLimits, boolean metadataFetch) {
        this.metadataFetch = metadataFetch;
        this.config = Objects.requireNonNull(config, "config");
        this.context = Objects.requireNonNull(context, "context");
        this.imapLimits = Objects.requireNonNull(imapLimits, "imapLimits");
        if (config.protocol() != ListenerConfig.Protocol.IMAP) {
            throw new IllegalArgumentException("listener '" + config.name() + "' is a " + config.protocol() + " listener");
        }
        if (config.limits().maxLineLength() < 100) {
            throw new IllegalArgumentException("listener '" + config.name() + "': maxLineLength must be at least 100");
        }
    }

    /** Loads or creates the TLS material and binds. @throws ListenerStartException saying what to fix */
    @Override
    public synchronized void start() throws ListenerStartException {
        if (acceptors != null) {
            throw new IllegalStateException("listener '" + config.name() + "' is already started");
        }
        ImapChannelInitializer.Wiring wiring = wiring(encryption());
        String name = config.name();
        acceptors = new NioEventLoopGroup(1, new DefaultThreadFactory(name + "-accept"));
        io = new NioEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()),
            new DefaultThreadFactory(name + "-io"));
        handlers = new DefaultEventLoopGroup(HANDLER_THREADS, new DefaultThreadFactory(name + "-handler"));
        ServerBootstrap bootstrap = new ServerBootstrap()
            .group(acceptors, io)
            .channel(NioServerSocketChannel.class)
            .option(ChannelOption.SO_BACKLOG, BACKLOG)
            .option(ChannelOption.SO_REUSEADDR, true)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.SO_KEEPALIVE, true)
            // Reading starts once the session exists (see ResponseHold), as it is made on a handler thread.
            .childOption(ChannelOption.AUTO_READ, false)
            .childHandler(new ImapChannelInitializer(wiring, clients, handlers));
        InetSocketAddress address = new InetSocketAddress(config.bindAddress(), config.port());
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            shutDownThreads();
            acceptors = null;
            throw ListenerStartException.bindFailed(name, address, bound.cause());
        }
        serverChannel = bound.channel();
        LOGGER.info("listener '{}' (IMAP) listening on {}", name, boundAddress());
    }

    private ImapChannelInitializer.Wiring wiring(Optional<Encryption> encryption) {
        ListenerLimits limits = config.limits();
        int literalLimit = literalLimit(limits);
        ImapConfiguration imapConfiguration = ImapConfiguration.builder()
            .enableIdle(true)
            .isCondstoreEnable(true)
            .isProvisionDefaultMailboxes(false)
            .appendLimit(literalLimit)
            .build();
        ImapProcessor james = IdleWithFlagUpdates.inFrontOf(
            DefaultImapProcessorFactory.createXListSupportingProcessor(context.mailboxes(), context.eventBus(),
                context.subscriptions(), new SpecialUseMailboxTyper(), context.quotaManager(),
                context.quotaRootResolver(), context.metrics()),
            context.mailboxes(), context.metrics());
        if (metadataFetch) {
            james = WholeMessageFetch.inFrontOf(james, context.mailboxes(), context.metrics());
            james = MetadataFetch.inFrontOf(james, context.mailboxes(), context.metrics());
        }
        james = new ReadOnlySelection(james);
        ImapEncoder encoder = DefaultImapEncoderFactory.createDefaultEncoder(new DefaultLocalizer(), true);
        ImapProcessor processor = new IoOrderedCompletion(new BatchedResponses(new FlushedBye(new DefaultMailboxProvisioner(
            new LoginThrottle(james, limits.authFailureDelay(), limits.maxAuthFailures()), context.mailboxes(),
            context.subscriptions())), encoder));
        processor.configure(imapConfiguration);
        Duration idleAfterLogin = limits.idleTimeout().compareTo(imapLimits.minAuthenticatedIdle()) >= 0
            ? limits.idleTimeout() : imapLimits.minAuthenticatedIdle();
        return new ImapChannelInitializer.Wiring(
            config,
            encryption,
            decoder(limits.maxBadCommands()),
            encoder,
            processor,
            new ImapMetrics(context.metrics()),
            new ReactiveThrottler(new NoopGaugeRegistry(), imapConfiguration.getConcurrentRequests(),
                imapConfiguration.getMaxQueueSize()),
            context.hostName() + " Postline IMAP4rev1 ready",
            imapConfiguration.idleTimeIntervalAsDuration(),
            new LiteralGuard.Limits(Math.min(imapLimits.literalSizeBeforeLogin(), literalLimit), literalLimit,
                imapLimits.maxLiteralsPerCommand(), 2 * limits.maxLineLength()),
            IN_MEMORY_LITERAL_LIMIT,
            limits.idleTimeout(),
            idleAfterLogin,
            new ConnectionLimiter(config.name(), limits.maxConnections(), limits.maxConnectionsPerIp(),
                "* BYE Too many connections; try again later"));
    }

    /**
     * James's parsers. Before login the first unknown command ends the session (James's rule, against
     * cross-protocol attacks); after login, one more than {@code maxBadCommands} unknown commands in a row does.
     */
    private static ImapDecoder decoder(int maxBadCommands) {
        UnpooledStatusResponseFactory responses = new UnpooledStatusResponseFactory();
        return new CommandDecoder(responses, new ImapParserFactory(responses),
            maxBadCommands > 0 ? maxBadCommands : Integer.MAX_VALUE);
    }

    /** The largest literal (and message) accepted after login: the message size limit, bounded by an int. */
    private static int literalLimit(ListenerLimits limits) {
        long size = limits.maxMessageSize() > 0 ? limits.maxMessageSize() : ListenerLimits.defaults().maxMessageSize();
        return (int) Math.min(size, Integer.MAX_VALUE - 1024L * 1024);
    }

    private Optional<Encryption> encryption() throws ListenerStartException {
        if (config.tlsMode() == ListenerConfig.TlsMode.NONE) {
            return Optional.empty();
        }
        SSLContext tls;
        try {
            tls = TlsContexts.forListener(config.tls(), context.hostName(), context.varDirectory());
        } catch (TlsSetupException e) {
            throw new ListenerStartException("listener '" + config.name() + "': TLS: " + e.getMessage(), e);
        }
        String[] protocols = TlsContexts.enabledProtocols(tls);
        return Optional.of(config.tlsMode() == ListenerConfig.TlsMode.IMPLICIT
            ? Encryption.createTls(tls, null, protocols, ClientAuth.NONE)
            : Encryption.createStartTls(tls, null, protocols, ClientAuth.NONE));
    }

    /** The bound address, with the real port when the configured port is 0. */
    @Override
    public synchronized InetSocketAddress boundAddress() {
        if (serverChannel == null) {
            throw new IllegalStateException("listener '" + config.name() + "' is not started");
        }
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Connections currently open (including ones being refused). */
    public int openConnections() {
        return clients.size();
    }

    /**
     * Stops accepting, lets commands in flight finish (up to {@link #DEFAULT_SHUTDOWN_GRACE}), says BYE to
     * every connection and closes it. May be called more than once.
     */
    @Override
    public void close() {
        close(DEFAULT_SHUTDOWN_GRACE);
    }

    /** As {@link #close()}, waiting at most {@code grace} for commands in flight. */
    public void close(Duration grace) {
        Channel listening;
        synchronized (this) {
            listening = serverChannel;
            serverChannel = null;
        }
        if (listening == null) {
            return;
        }
        listening.close().awaitUninterruptibly();
        long deadline = System.nanoTime() + grace.toNanos();
        while (true) {
            boolean lastSweep = System.nanoTime() - deadline > 0;
            for (Channel client : clients) {
                sayGoodbye(client, lastSweep);
            }
            if (clients.isEmpty() || lastSweep) {
                break;
            }
            sleep(SWEEP_INTERVAL);
        }
        clients.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        shutDownThreads();
        LOGGER.info("listener '{}' stopped", config.name());
    }

    /** BYE and close, on the connection's own thread, unless a command is still running (and it is not time yet). */
    private static void sayGoodbye(Channel client, boolean evenIfBusy) {
        try {
            client.eventLoop().execute(() -> {
                boolean busy = client.attr(NettyConstants.REQUEST_IN_FLIGHT_ATTRIBUTE_KEY).get() != null;
                if ((busy && !evenIfBusy) || !client.isActive()
                    || client.attr(SAID_GOODBYE).setIfAbsent(Boolean.TRUE) != null) {
                    return;
                }
                client.config().setAutoRead(false);
                // Written from the core handler down, past any response held after a failed login.
                ChannelHandlerContext core = client.pipeline().context(NettyConstants.CORE_HANDLER);
                ChannelOutboundInvoker writer = core != null ? core : client;
                writer.writeAndFlush(Unpooled.copiedBuffer("* BYE Server shutting down\r\n", StandardCharsets.US_ASCII))
                    .addListener(ChannelFutureListener.CLOSE);
            });
        } catch (RejectedExecutionException stopped) {
            client.close();
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void shutDownThreads() {
        // I/O first, handlers after: a closing channel's pipeline is torn down by tasks that hop between the
        // I/O and the handler executors, so the handlers must outlive the last I/O task.
        stop(acceptors, io);
        stop(handlers);
        handlers = null;
    }

    private static void stop(EventExecutorGroup... groups) {
        for (EventExecutorGroup group : groups) {
            if (group != null) {
                group.shutdownGracefully(QUIET_PERIOD.toMillis(), 3000, TimeUnit.MILLISECONDS);
            }
        }
        for (EventExecutorGroup group : groups) {
            if (group != null) {
                group.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
            }
        }
    }
}
