package org.postline.protocols.pop3;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.apache.james.protocols.api.handler.WiringException;
import org.apache.james.protocols.netty.Encryption;
import org.postline.api.config.ListenerConfig;
import org.postline.protocols.Listener;
import org.postline.protocols.ListenerStartException;
import org.postline.protocols.netty.LineProtocolServer;
import org.postline.protocols.netty.ListenerEncryption;
import org.postline.protocols.netty.NoopMetricFactory;

/**
 * One POP3 port: STLS offered (usually 110) or implicit TLS (usually 995), as its {@link ListenerConfig}
 * says. Users log in with their full address; each session works on a snapshot of the INBOX and removes
 * what it deleted only at QUIT.
 */
public final class Pop3Listener implements Listener {

    /** How long {@link #close()} waits for connections to go. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);
    /**
     * Threads serving connections, each both I/O and commands: a command is short (reads, and at QUIT one
     * delete), and one wake-up per command instead of three is what RETR's throughput hangs on.
     */
    private static final int HANDLER_THREADS = 16;

    private final ListenerConfig config;
    private final Pop3Context context;
    private LineProtocolServer server;

    /** @throws IllegalArgumentException if the listener is not a POP3 one */
    public Pop3Listener(ListenerConfig config, Pop3Context context) {
        this.config = Objects.requireNonNull(config, "config");
        this.context = Objects.requireNonNull(context, "context");
        if (config.protocol() != ListenerConfig.Protocol.POP3) {
            throw new IllegalArgumentException("listener '" + config.name() + "' is a " + config.protocol() + " listener");
        }
    }

    /** Loads or creates the TLS material and binds. @throws ListenerStartException saying what to fix */
    public synchronized void start() throws ListenerStartException {
        if (server != null) {
            throw new IllegalStateException("listener '" + config.name() + "' is already started");
        }
        Optional<Encryption> encryption = encryption();
        Pop3Settings settings = new Pop3Settings(config, context.hostName());
        Pop3SessionGuard guard = new Pop3SessionGuard(config.name(), config.limits().maxBadCommands());
        Pop3Protocol protocol;
        try {
            protocol = new Pop3Protocol(Pop3HandlerChain.build(settings, context, guard, new NoopMetricFactory()),
                    settings, guard);
        } catch (WiringException e) {
            throw new IllegalStateException("the POP3 handler chain does not wire", e);
        }
        LineProtocolServer candidate = new LineProtocolServer(protocol, LineProtocolServer.Settings.forListener(
                config, encryption, "stls",
                "-ERR " + Pop3Replies.SYS_TEMP + "Too many connections; try again later",
                "-ERR Idle timeout; closing connection",
                "-ERR " + Pop3Replies.SYS_TEMP + "Server shutting down; closing connection",
                HANDLER_THREADS).withHandlersOnIoThreads());
        candidate.start();
        server = candidate;
    }

    private Optional<Encryption> encryption() throws ListenerStartException {
        return ListenerEncryption.of(config, context.hostName(), context.varDirectory());
    }

    /** The bound address, with the real port when the configured port is 0. */
    public synchronized InetSocketAddress boundAddress() {
        if (server == null) {
            throw new IllegalStateException("listener '" + config.name() + "' is not started");
        }
        return server.boundAddress();
    }

    /**
     * Stops accepting and closes every connection, each after its current command; sessions that did not
     * QUIT keep all their messages.
     */
    @Override
    public void close() {
        close(DEFAULT_SHUTDOWN_GRACE);
    }

    /** As {@link #close()}, waiting at most {@code grace} for connections to go. */
    public void close(Duration grace) {
        LineProtocolServer running;
        synchronized (this) {
            running = server;
        }
        if (running != null) {
            running.close(grace, session -> false);
        }
    }
}
