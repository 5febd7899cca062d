package org.postline.protocols.smtp;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.handler.WiringException;
import org.apache.james.protocols.netty.Encryption;
import org.apache.james.protocols.smtp.core.DataCmdHandler;
import org.postline.api.config.ListenerConfig;
import org.postline.protocols.Listener;
import org.postline.protocols.ListenerStartException;
import org.postline.protocols.netty.LineProtocolServer;
import org.postline.protocols.netty.ListenerEncryption;
import org.postline.protocols.netty.NoopMetricFactory;

/**
 * One SMTP port: MX (STARTTLS offered, AUTH optional), submission (STARTTLS, AUTH before MAIL) or
 * submissions (implicit TLS), as its {@link ListenerConfig} says. Mail it accepts is in the spool before
 * the client hears 250.
 */
public final class SmtpListener implements Listener {

    /** How long {@link #close()} lets messages in the middle of DATA finish. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);
    /**
     * I/O threads, which also run the protocol handlers: a command then costs one thread wake-up instead of
     * three (I/O, handler, I/O again), most of a short command's cost and why a new connection per message
     * cost twice a reused one. A commit waiting for the disk holds up the connections of its own thread, as it
     * did on a handler thread of their own; the database spool's other commits wait for the same log anyway.
     */
    private static final int HANDLER_THREADS = 16;

    private final ListenerConfig config;
    private final SmtpContext context;
    private final RelayNetworks relayNetworks;
    private final Optional<DnsBlocklists> blocklists;
    private LineProtocolServer server;

    /**
     * @throws IllegalArgumentException if the listener is not an SMTP one or a relay network is not CIDR
     */
    public SmtpListener(ListenerConfig config, SmtpContext context) {
        this(config, context, Optional.empty());
    }

    /** A listener that consults DNS blocklists before accepting recipients (none when empty or no zones). */
    public SmtpListener(ListenerConfig config, SmtpContext context, Optional<DnsBlocklists> blocklists) {
        this.blocklists = blocklists.filter(lists -> lists.settings().enabled());
        this.config = Objects.requireNonNull(config, "config");
        this.context = Objects.requireNonNull(context, "context");
        if (config.protocol() != ListenerConfig.Protocol.SMTP) {
            throw new IllegalArgumentException("listener '" + config.name() + "' is a " + config.protocol() + " listener");
        }
        this.relayNetworks = RelayNetworks.parse(context.relay().networks());
    }

    /** Loads or creates the TLS material and binds. @throws ListenerStartException saying what to fix */
    public synchronized void start() throws ListenerStartException {
        if (server != null) {
            throw new IllegalStateException("listener '" + config.name() + "' is already started");
        }
        Optional<Encryption> encryption = encryption();
        SmtpSettings settings = new SmtpSettings(config, context.hostName(), relayNetworks);
        SessionGuard guard = new SessionGuard(config.name(), config.limits().maxBadCommands());
        SmtpProtocol protocol;
        try {
            protocol = new SmtpProtocol(SmtpHandlerChain.build(settings, context, guard, new NoopMetricFactory(), blocklists),
                    settings, guard);
        } catch (WiringException e) {
            throw new IllegalStateException("the SMTP handler chain does not wire", e);
        }
        String host = context.hostName();
        LineProtocolServer candidate = new LineProtocolServer(protocol, LineProtocolServer.Settings.forListener(
                config, encryption, "starttls",
                "421 4.7.0 " + host + " Too many connections; try again later",
                "421 4.4.2 " + host + " Idle timeout; closing connection",
                "421 4.3.2 " + host + " Service shutting down; closing connection",
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

    /** Stops accepting, lets messages in the middle of DATA finish for up to {@link #DEFAULT_SHUTDOWN_GRACE}. */
    @Override
    public void close() {
        close(DEFAULT_SHUTDOWN_GRACE);
    }

    /** Stops accepting, lets messages in the middle of DATA finish for up to {@code grace}, then closes all. */
    public void close(Duration grace) {
        LineProtocolServer running;
        synchronized (this) {
            running = server;
        }
        if (running != null) {
            running.close(grace, SmtpListener::inData);
        }
    }

    private static boolean inData(ProtocolSession session) {
        return session.getAttachment(DataCmdHandler.MAILENV, ProtocolSession.State.Transaction).isPresent();
    }
}
