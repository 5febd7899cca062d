package org.postline.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.handler.WiringException;
import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPConfigurationImpl;
import org.apache.james.protocols.smtp.SMTPProtocol;
import org.apache.james.protocols.smtp.SMTPProtocolHandlerChain;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MessageHook;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.postline.protocols.ListenerStartException;
import org.postline.protocols.netty.LineProtocolServer;
import org.postline.protocols.netty.NoopMetricFactory;

/**
 * The ceiling of our SMTP front-end on this machine: James Protocols SMTP with its default handler chain, on
 * the same Netty server our listeners use (handlers on its I/O threads, as our SMTP listeners run them), with
 * a bare message hook that writes each message to its own file and fsyncs it before the 250. No policy, no
 * spool index, no database: what Postline does beyond this is the price of its features and its durable spool.
 */
public final class CeilingServer implements AutoCloseable {

    private static final int HANDLER_THREADS = 16;

    private final LineProtocolServer server;
    private final AtomicLong stored = new AtomicLong();

    private CeilingServer(LineProtocolServer server) {
        this.server = server;
    }

    /** Binds on host:port (0 for a free port) and stores messages under {@code directory}. */
    public static CeilingServer start(String host, int port, Path directory) throws IOException {
        Files.createDirectories(directory);
        AtomicLong counter = new AtomicLong();
        SMTPProtocolHandlerChain chain;
        try {
            chain = new SMTPProtocolHandlerChain(new NoopMetricFactory(), new AcceptEveryRecipient(),
                    new WriteAndSync(directory, counter));
        } catch (WiringException e) {
            throw new IllegalStateException("the ceiling's SMTP chain does not wire", e);
        }
        SMTPConfigurationImpl configuration = new SMTPConfigurationImpl();
        LineProtocolServer server = new LineProtocolServer(new SMTPProtocol(chain, configuration),
                new LineProtocolServer.Settings("ceiling", new InetSocketAddress(host, port), Optional.empty(),
                        "starttls", 1000, Duration.ofMinutes(5), 1000, 1000, "421 too many connections",
                        "421 idle", "421 shutting down", HANDLER_THREADS).withHandlersOnIoThreads());
        try {
            server.start();
        } catch (ListenerStartException e) {
            throw new IOException(e.getMessage(), e);
        }
        CeilingServer ceiling = new CeilingServer(server);
        return ceiling;
    }

    public InetSocketAddress address() {
        return server.boundAddress();
    }

    @Override
    public void close() {
        server.close(Duration.ofSeconds(5), session -> false);
    }

    /** Without it James's chain would accept only relaying or postmaster recipients. */
    private static final class AcceptEveryRecipient implements RcptHook {
        @Override
        public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt) {
            return HookResult.OK;
        }
    }

    /** Writes the message to a new file and forces it to disk: the least a durable server must do. */
    private static final class WriteAndSync implements MessageHook {

        private final Path directory;
        private final AtomicLong counter;

        WriteAndSync(Path directory, AtomicLong counter) {
            this.directory = directory;
            this.counter = counter;
        }

        @Override
        public HookResult onMessage(SMTPSession session, MailEnvelope mail) {
            Path file = directory.resolve("m" + counter.incrementAndGet() + ".eml");
            try (InputStream in = mail.getMessageInputStream();
                 FileChannel out = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.write(ByteBuffer.wrap(in.readAllBytes()));
                out.force(true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return HookResult.OK;
        }
    }
}
