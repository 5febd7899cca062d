package org.postline.protocols.imap;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.EventExecutorGroup;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.encode.ImapEncoder;
import org.apache.james.imapserver.netty.IMAPServer;
import org.apache.james.imapserver.netty.ImapChannelUpstreamHandler;
import org.apache.james.imapserver.netty.ImapMetrics;
import org.apache.james.imapserver.netty.NettyConstants;
import org.apache.james.imapserver.netty.ReactiveThrottler;
import org.apache.james.imapserver.netty.SwitchableLineBasedFrameDecoderFactory;
import org.apache.james.protocols.netty.Encryption;
import org.apache.james.protocols.netty.HandlerConstants;
import org.postline.api.config.ListenerConfig;
import org.postline.protocols.netty.ConnectionLimiter;

/**
 * The pipeline of one IMAP connection: James's handlers (STARTTLS-aware framer, request decoder, core
 * handler) with Postline's around them. Handler names are James's, which its handlers look each other up by.
 * <pre>
 * [sslHandler]  implicit TLS, or added later by STARTTLS
 * connectionLimit  total and per-address caps, with a BYE
 * framer           lines up to maxLineLength; refuses commands pipelined after STARTTLS
 * chunkWriteHandler
 * requestDecoder   James's decoder plus literal limits (CVE-2024-37358)
 * timeoutHandler   idle timeout, shorter before login; only whole commands reset it, so a client that
 *                  trickles bytes (slowloris) without finishing one is logged out all the same
 * postlineQuietErrors  everyday errors (long lines, STARTTLS injection, resets) without stack traces
 * coreHandler      James's session and processors; one per connection, so the login policy can depend
 *                  on the client's address (loopback)
 * postlineResponseHold  delays responses after a failed login
 * </pre>
 * The core handler runs on a handler thread of its own for the connection (James's IMAPServer runs it on the
 * I/O thread): processors make blocking database calls, which must not stall the other connections of that
 * I/O thread. Framing and decoding stay on the I/O thread.
 */
final class ImapChannelInitializer extends ChannelInitializer<SocketChannel> {

    /** Everything a connection's handlers need; built once per listener. */
    record Wiring(ListenerConfig config, Optional<Encryption> encryption, ImapDecoder decoder, ImapEncoder encoder,
                  ImapProcessor processor, ImapMetrics metrics, ReactiveThrottler throttler, String greeting,
                  Duration heartbeat, LiteralGuard.Limits literalLimits, int inMemoryLiteralLimit,
                  Duration idleBeforeLogin, Duration idleAfterLogin, ConnectionLimiter limiter) {
    }

    private final Wiring wiring;
    private final ChannelGroup clients;
    private final EventExecutorGroup handlers;

    ImapChannelInitializer(Wiring wiring, ChannelGroup clients, EventExecutorGroup handlers) {
        this.wiring = wiring;
        this.clients = clients;
        this.handlers = handlers;
    }

    @Override
    protected void initChannel(SocketChannel channel) {
        clients.add(channel);
        ChannelPipeline pipeline = channel.pipeline();
        wiring.encryption()
            .filter(encryption -> encryption.supportsEncryption() && !encryption.isStartTLS())
            .ifPresent(implicit -> pipeline.addLast(NettyConstants.SSL_HANDLER, implicit.sslHandler()));
        pipeline.addLast(HandlerConstants.CONNECTION_LIMIT_HANDLER, wiring.limiter());
        // James's frame limits exclude the line ending; ours include CRLF.
        int maxFrame = wiring.config().limits().maxLineLength() - 2;
        pipeline.addLast(NettyConstants.FRAMER, new SwitchableLineBasedFrameDecoderFactory(maxFrame).create(pipeline));
        pipeline.addLast(NettyConstants.CHUNK_WRITE_HANDLER, new ChunkedWriteHandler());
        pipeline.addLast(NettyConstants.REQUEST_DECODER,
            new LiteralGuard(wiring.decoder(), wiring.inMemoryLiteralLimit(), wiring.literalLimits(), maxFrame));
        pipeline.addLast(NettyConstants.TIMEOUT_HANDLER,
            new SessionIdleTimeout(wiring.idleBeforeLogin(), wiring.idleAfterLogin()));
        pipeline.addLast(QuietErrors.HANDLER_NAME, new QuietErrors(wiring.config().name()));
        pipeline.addLast(handlers, NettyConstants.CORE_HANDLER, coreHandler(channel));
        pipeline.addLast(ResponseHold.HANDLER_NAME, new ResponseHold());
    }

    private ImapChannelUpstreamHandler coreHandler(SocketChannel channel) {
        return ImapChannelUpstreamHandler.builder()
            .hello(wiring.greeting())
            .processor(wiring.processor())
            .encoder(wiring.encoder())
            .compress(false)
            .secure(wiring.encryption().orElse(null))
            .imapMetrics(wiring.metrics())
            .reactiveThrottler(wiring.throttler())
            .heartbeatInterval(wiring.heartbeat())
            .ignoreIDLEUponProcessing(true)
            // requireSSL: LOGIN and AUTHENTICATE PLAIN need TLS (LOGINDISABLED is advertised until then).
            .authenticationConfiguration(new IMAPServer.AuthenticationConfiguration(!plainLoginWithoutTls(channel), true))
            .build();
    }

    /** Plain-text login without TLS: when the listener allows it, or from loopback when loopback counts as secure. */
    private boolean plainLoginWithoutTls(SocketChannel channel) {
        if (wiring.config().plainAuthWithoutTls()) {
            return true;
        }
        InetAddress address = channel.remoteAddress() == null ? null : channel.remoteAddress().getAddress();
        return wiring.config().loopbackIsSecure() && address != null && address.isLoopbackAddress();
    }
}
