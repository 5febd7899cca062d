package org.postline.protocols.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
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
import java.util.function.Predicate;
import org.apache.james.protocols.api.Protocol;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.netty.AllButStartTlsLineChannelHandlerFactory;
import org.apache.james.protocols.netty.BasicChannelInboundHandler;
import org.apache.james.protocols.netty.Encryption;
import org.apache.james.protocols.netty.HandlerConstants;
import org.postline.api.config.ListenerConfig;
import org.postline.api.config.ListenerLimits;
import org.postline.protocols.ListenerStartException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one line-based James {@link Protocol} (SMTP, POP3) on one address.
 * <p>Why not James's {@code NettyServer}: it runs the protocol handlers (and so every hook, including the
 * spool's disk writes) on the Netty I/O threads, never shuts down its handler thread pool, and cannot stop
 * accepting while letting in-flight transactions finish. Here the framer and the protocol handler run on a
 * separate handler executor ({@code <name>-handler-*} threads); the I/O threads only move bytes and TLS.
 * A protocol may instead run its handlers on the I/O threads, {@code handlerThreads} of them (POP3, SMTP):
 * a command then costs one thread wake-up instead of three (I/O, handler, I/O again), which is most of a
 * small command's time on a busy machine; a handler blocked on the disk then holds up the byte moving of
 * the connections sharing its thread too, which were waiting for that thread anyway.
 * <p>The pipeline keeps James's handler names ({@link HandlerConstants}), which James's transport and
 * STARTTLS-aware framer look up.
 */
public final class LineProtocolServer {

    private static final Logger LOGGER = LoggerFactory.getLogger(LineProtocolServer.class);
    private static final AttributeKey<Boolean> SAID_GOODBYE = AttributeKey.valueOf("postline.goodbye");
    private static final int BACKLOG = 250;
    private static final Duration SWEEP_INTERVAL = Duration.ofMillis(50);
    private static final Duration QUIET_PERIOD = Duration.ofMillis(100);

    /**
     * @param startTlsCommand  the STARTTLS verb ("starttls", "stls") the framer guards against command injection
     * @param maxLineLength    bytes of one line, line ending included
     * @param tooManyConnectionsReply the line sent to a connection over a limit before it is closed
     * @param idleTimeoutReply the line sent before an idle connection is closed
     * @param shutdownReply    the line sent to each idle connection when the server stops
     * @param handlerThreads   threads running protocol handlers (and so hooks that touch the disk)
     * @param handlersOnIoThreads whether the handlers run on the I/O threads ({@code handlerThreads} of them)
     *                         rather than on threads of their own
     */
    public record Settings(
            String name,
            InetSocketAddress bindAddress,
            Optional<Encryption> encryption,
            String startTlsCommand,
            int maxLineLength,
            Duration idleTimeout,
            int maxConnections,
            int maxConnectionsPerIp,
            String tooManyConnectionsReply,
            String idleTimeoutReply,
            String shutdownReply,
            int handlerThreads,
            boolean handlersOnIoThreads) {

        public Settings {
            Objects.requireNonNull(name);
            Objects.requireNonNull(bindAddress);
            Objects.requireNonNull(encryption);
            if (maxLineLength < 3) {
                throw new IllegalArgumentException("maxLineLength must be at least 3, was " + maxLineLength);
            }
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("idleTimeout must be positive, was " + idleTimeout);
            }
            if (handlerThreads < 1) {
                throw new IllegalArgumentException("handlerThreads must be at least 1, was " + handlerThreads);
            }
        }

        /** Handlers on threads of their own. */
        public Settings(String name, InetSocketAddress bindAddress, Optional<Encryption> encryption,
                        String startTlsCommand, int maxLineLength, Duration idleTimeout, int maxConnections,
                        int maxConnectionsPerIp, String tooManyConnectionsReply, String idleTimeoutReply,
                        String shutdownReply, int handlerThreads) {
            this(name, bindAddress, encryption, startTlsCommand, maxLineLength, idleTimeout, maxConnections,
                    maxConnectionsPerIp, tooManyConnectionsReply, idleTimeoutReply, shutdownReply, handlerThreads,
                    false);
        }

        /** The same settings with the handlers on the I/O threads. */
        public Settings withHandlersOnIoThreads() {
            return new Settings(name, bindAddress, encryption, startTlsCommand, maxLineLength, idleTimeout,
                    maxConnections, maxConnectionsPerIp, tooManyConnectionsReply, idleTimeoutReply, shutdownReply,
                    handlerThreads, true);
        }

        /**
         * The settings of a configured listener: name, address and limits come from its config; the protocol
         * gives only its STARTTLS verb and its wording of the three replies the server sends on its own.
         */
        public static Settings forListener(ListenerConfig config, Optional<Encryption> encryption,
                                           String startTlsCommand, String tooManyConnectionsReply,
                                           String idleTimeoutReply, String shutdownReply, int handlerThreads) {
            ListenerLimits limits = config.limits();
            return new Settings(config.name(), new InetSocketAddress(config.bindAddress(), config.port()),
                    encryption, startTlsCommand, limits.maxLineLength(), limits.idleTimeout(),
                    limits.maxConnections(), limits.maxConnectionsPerIp(), tooManyConnectionsReply,
                    idleTimeoutReply, shutdownReply, handlerThreads, false);
        }
    }

    private final Protocol protocol;
    private final Settings settings;
    private final ChannelGroup clients = new DefaultChannelGroup(ImmediateEventExecutor.INSTANCE);
    private EventLoopGroup acceptors;
    private EventLoopGroup io;
    private EventExecutorGroup handlers;
    private ConnectionLimiter limiter;
    private Channel serverChannel;

    public LineProtocolServer(Protocol protocol, Settings settings) {
        this.protocol = Objects.requireNonNull(protocol);
        this.settings = Objects.requireNonNull(settings);
    }

    /** Binds and starts accepting. @throws ListenerStartException with a message fit for the operator */
    public synchronized void start() throws ListenerStartException {
        if (acceptors != null) {
            throw new IllegalStateException("listener '" + settings.name() + "' is already started");
        }
        String name = settings.name();
        acceptors = new NioEventLoopGroup(1, new DefaultThreadFactory(name + "-accept"));
        if (settings.handlersOnIoThreads()) {
            io = new NioEventLoopGroup(settings.handlerThreads(), new DefaultThreadFactory(name + "-io"));
            handlers = null;
        } else {
            io = new NioEventLoopGroup(Math.max(2, Runtime.getRuntime().availableProcessors()),
                    new DefaultThreadFactory(name + "-io"));
            handlers = new DefaultEventLoopGroup(settings.handlerThreads(), new DefaultThreadFactory(name + "-handler"));
        }
        limiter = new ConnectionLimiter(name, settings.maxConnections(), settings.maxConnectionsPerIp(),
                settings.tooManyConnectionsReply());
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptors, io)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        buildPipeline(channel);
                    }
                });
        ChannelFuture bound = bootstrap.bind(settings.bindAddress()).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            shutDownThreads();
            throw ListenerStartException.bindFailed(name, settings.bindAddress(), bound.cause());
        }
        serverChannel = bound.channel();
        LOGGER.info("listener '{}' ({}) listening on {}", name, protocol.getName(), boundAddress());
    }

    private void buildPipeline(SocketChannel channel) {
        clients.add(channel);
        ChannelPipeline pipeline = channel.pipeline();
        settings.encryption()
                .filter(encryption -> encryption.supportsEncryption() && !encryption.isStartTLS())
                .ifPresent(implicit -> pipeline.addLast(HandlerConstants.SSL_HANDLER, implicit.sslHandler()));
        pipeline.addLast(HandlerConstants.CONNECTION_LIMIT_HANDLER, limiter);
        // The frame decoder's limit excludes the line ending; ours includes CRLF. A null group is the I/O loop.
        pipeline.addLast(handlers, HandlerConstants.FRAMER,
                new AllButStartTlsLineChannelHandlerFactory(settings.startTlsCommand(), settings.maxLineLength() - 2)
                        .create(pipeline));
        pipeline.addLast(HandlerConstants.CHUNK_HANDLER, new ChunkedWriteHandler());
        pipeline.addLast(HandlerConstants.TIMEOUT_HANDLER,
                new IdleDisconnector(settings.idleTimeout(), settings.idleTimeoutReply()));
        pipeline.addLast(handlers, HandlerConstants.CORE_HANDLER,
                new ProtocolChannelHandler(settings.name(), protocol, settings.encryption().orElse(null)));
    }

    /** The address actually bound (with the real port when the configured one was 0). */
    public synchronized InetSocketAddress boundAddress() {
        if (serverChannel == null) {
            throw new IllegalStateException("listener '" + settings.name() + "' is not started");
        }
        return (InetSocketAddress) serverChannel.localAddress();
    }

    /** Connections currently open (including ones being refused). */
    public int openConnections() {
        return clients.size();
    }

    /**
     * Stops accepting at once; says goodbye to and closes every connection for which {@code busy} is false,
     * waits up to {@code grace} for the busy ones to become idle (each then gets the goodbye too), then closes
     * whatever is left and stops all threads. {@code busy} is evaluated on the connection's handler thread.
     */
    public void close(Duration grace, Predicate<ProtocolSession> busy) {
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
            for (Channel client : clients) {
                sayGoodbyeUnlessBusy(client, busy);
            }
            if (clients.isEmpty() || System.nanoTime() - deadline > 0) {
                break;
            }
            try {
                Thread.sleep(SWEEP_INTERVAL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (!clients.isEmpty()) {
            LOGGER.warn("listener '{}': closing {} connection(s) still busy after {}", settings.name(),
                    clients.size(), grace);
        }
        clients.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        shutDownThreads();
        LOGGER.info("listener '{}' stopped", settings.name());
    }

    private void sayGoodbyeUnlessBusy(Channel client, Predicate<ProtocolSession> busy) {
        ChannelHandlerContext core = client.pipeline().context(HandlerConstants.CORE_HANDLER);
        if (core == null) {
            client.close();
            return;
        }
        try {
            core.executor().execute(() -> {
                ProtocolSession session = (ProtocolSession) client.attr(BasicChannelInboundHandler.SESSION_ATTRIBUTE_KEY).get();
                if (session != null && busy.test(session)) {
                    return;
                }
                if (client.attr(SAID_GOODBYE).setIfAbsent(Boolean.TRUE) == null) {
                    client.config().setAutoRead(false);
                    client.writeAndFlush(Unpooled.wrappedBuffer(
                                    (settings.shutdownReply() + "\r\n").getBytes(StandardCharsets.US_ASCII)))
                            .addListener(ChannelFutureListener.CLOSE);
                }
            });
        } catch (RejectedExecutionException stopped) {
            client.close();
        }
    }

    private void shutDownThreads() {
        // I/O first, handlers after: a closing channel's pipeline is torn down by tasks that hop between the
        // I/O and the handler executors, so the handlers must outlive the last I/O task.
        stop(acceptors, io);
        stop(handlers);
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
