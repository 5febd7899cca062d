package org.postline.protocols.smtp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.postline.api.config.ListenerConfig;
import org.postline.api.config.ListenerLimits;
import org.postline.api.config.RelayConfig;
import org.postline.api.config.SpoolConfig;
import org.postline.api.config.TlsConfig;
import org.postline.protocols.ListenerStartException;

/** One SMTP listener on 127.0.0.1 with in-memory directory and spool, configured per test. */
final class SmtpTestServer implements AutoCloseable {

    static final String HOST = "mx.example.org";

    final FakeDirectory directory;
    final FakeSpool spool;
    final SmtpListener listener;
    final ListenerConfig config;

    private SmtpTestServer(Builder builder) throws ListenerStartException {
        this.directory = builder.directory;
        this.spool = builder.spool;
        this.config = new ListenerConfig(builder.name, ListenerConfig.Protocol.SMTP, builder.bindAddress, builder.port,
                builder.tlsMode, builder.authRequired, builder.plainAuthWithoutTls, builder.loopbackIsSecure,
                builder.tls, builder.limits);
        SmtpContext context = new SmtpContext(HOST, directory.domains, directory.users, directory.rewrites, spool,
                new RelayConfig(builder.relayNetworks, builder.senderMustBeOwnAddress),
                new SpoolConfig(1, 3, Duration.ofSeconds(1), builder.maxQueued), builder.varDirectory);
        this.listener = new SmtpListener(config, context);
        listener.start();
    }

    static Builder builder(Path varDirectory) {
        return new Builder(varDirectory);
    }

    static ListenerLimits testLimits() {
        return new ListenerLimits(1024 * 1024, 1000, 10, 100, 50, Duration.ofSeconds(30), 5,
                Duration.ofMillis(50), 3);
    }

    InetSocketAddress address() {
        return listener.boundAddress();
    }

    SmtpClient connect() throws IOException {
        return SmtpClient.connect(address());
    }

    @Override
    public void close() {
        listener.close(Duration.ofSeconds(2));
    }

    static final class Builder {
        private final Path varDirectory;
        private String name = "test-smtp";
        private String bindAddress = "127.0.0.1";
        private int port;
        private ListenerConfig.TlsMode tlsMode = ListenerConfig.TlsMode.NONE;
        private boolean authRequired;
        private boolean plainAuthWithoutTls;
        private boolean loopbackIsSecure = true;
        private Optional<TlsConfig> tls = Optional.empty();
        private ListenerLimits limits = testLimits();
        private List<String> relayNetworks = List.of();
        private boolean senderMustBeOwnAddress = true;
        private int maxQueued = 1000;
        private FakeDirectory directory = FakeDirectory.standard();
        private FakeSpool spool = new FakeSpool();

        private Builder(Path varDirectory) {
            this.varDirectory = varDirectory;
        }

        Builder name(String value) {
            name = value;
            return this;
        }

        Builder port(int value) {
            port = value;
            return this;
        }

        Builder tlsMode(ListenerConfig.TlsMode value) {
            tlsMode = value;
            return this;
        }

        Builder authRequired() {
            authRequired = true;
            return this;
        }

        Builder plainAuthWithoutTls() {
            plainAuthWithoutTls = true;
            return this;
        }

        /** Loopback is then treated like any other client: no AUTH without TLS. */
        Builder loopbackNotSecure() {
            loopbackIsSecure = false;
            return this;
        }

        Builder tls(TlsConfig value) {
            tls = Optional.of(value);
            return this;
        }

        Builder limits(UnaryOperator<ListenerLimits> change) {
            limits = change.apply(limits);
            return this;
        }

        Builder relayNetworks(String... cidrs) {
            relayNetworks = List.of(cidrs);
            return this;
        }

        Builder senderMayBeAnyAddress() {
            senderMustBeOwnAddress = false;
            return this;
        }

        Builder maxQueued(int value) {
            maxQueued = value;
            return this;
        }

        Builder spool(FakeSpool value) {
            spool = value;
            return this;
        }

        SmtpTestServer start() throws ListenerStartException {
            return new SmtpTestServer(this);
        }
    }

    /** Copies of limits with one value changed. */
    static final class Limits {
        private Limits() {
        }

        static ListenerLimits maxMessageSize(ListenerLimits l, long value) {
            return new ListenerLimits(value, l.maxLineLength(), l.maxRecipients(), l.maxConnections(),
                    l.maxConnectionsPerIp(), l.idleTimeout(), l.maxBadCommands(), l.authFailureDelay(), l.maxAuthFailures());
        }

        static ListenerLimits maxLineLength(ListenerLimits l, int value) {
            return new ListenerLimits(l.maxMessageSize(), value, l.maxRecipients(), l.maxConnections(),
                    l.maxConnectionsPerIp(), l.idleTimeout(), l.maxBadCommands(), l.authFailureDelay(), l.maxAuthFailures());
        }

        static ListenerLimits maxRecipients(ListenerLimits l, int value) {
            return new ListenerLimits(l.maxMessageSize(), l.maxLineLength(), value, l.maxConnections(),
                    l.maxConnectionsPerIp(), l.idleTimeout(), l.maxBadCommands(), l.authFailureDelay(), l.maxAuthFailures());
        }

        static ListenerLimits maxConnectionsPerIp(ListenerLimits l, int value) {
            return new ListenerLimits(l.maxMessageSize(), l.maxLineLength(), l.maxRecipients(), l.maxConnections(),
                    value, l.idleTimeout(), l.maxBadCommands(), l.authFailureDelay(), l.maxAuthFailures());
        }

        static ListenerLimits maxConnections(ListenerLimits l, int value) {
            return new ListenerLimits(l.maxMessageSize(), l.maxLineLength(), l.maxRecipients(), value,
                    l.maxConnectionsPerIp(), l.idleTimeout(), l.maxBadCommands(), l.authFailureDelay(), l.maxAuthFailures());
        }

        static ListenerLimits idleTimeout(ListenerLimits l, Duration value) {
            return new ListenerLimits(l.maxMessageSize(), l.maxLineLength(), l.maxRecipients(), l.maxConnections(),
                    l.maxConnectionsPerIp(), value, l.maxBadCommands(), l.authFailureDelay(), l.maxAuthFailures());
        }

        static ListenerLimits maxBadCommands(ListenerLimits l, int value) {
            return new ListenerLimits(l.maxMessageSize(), l.maxLineLength(), l.maxRecipients(), l.maxConnections(),
                    l.maxConnectionsPerIp(), l.idleTimeout(), value, l.authFailureDelay(), l.maxAuthFailures());
        }

        static ListenerLimits maxAuthFailures(ListenerLimits l, int value) {
            return new ListenerLimits(l.maxMessageSize(), l.maxLineLength(), l.maxRecipients(), l.maxConnections(),
                    l.maxConnectionsPerIp(), l.idleTimeout(), l.maxBadCommands(), l.authFailureDelay(), value);
        }
    }
}
