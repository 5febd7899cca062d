package org.postline.protocols.imap;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLException;
import org.apache.james.protocols.netty.CommandInjectionDetectedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles the errors a public port sees all day (over-long lines, commands pipelined after STARTTLS, failed
 * handshakes, resets) with a line in the log instead of the stack trace James's core handler logs for each.
 * Anything else is logged at WARN with its cause and goes on to James, which closes the connection.
 */
final class QuietErrors extends ChannelInboundHandlerAdapter {

    static final String HANDLER_NAME = "postlineQuietErrors";
    private static final Logger LOGGER = LoggerFactory.getLogger(QuietErrors.class);
    private static final byte[] LINE_TOO_LONG = "* BAD Command line too long\r\n".getBytes(StandardCharsets.US_ASCII);

    private final String listener;

    QuietErrors(String listener) {
        this.listener = listener;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (has(cause, TooLongFrameException.class)) {
            // The framer has dropped the line; the session goes on (RFC 2683 §3.2.1.5 asks for a BAD).
            ctx.writeAndFlush(Unpooled.wrappedBuffer(LINE_TOO_LONG));
            return;
        }
        if (has(cause, CommandInjectionDetectedException.class)) {
            LOGGER.info("listener '{}': client {} sent commands in the same packet as STARTTLS; closing", listener,
                address(ctx));
            ctx.close();
            return;
        }
        if (transportFailure(cause)) {
            LOGGER.info("listener '{}': connection from {} failed: {}", listener, address(ctx), cause.getMessage());
            ctx.close();
            return;
        }
        // James's core handler logs out and closes the connection; say why, with the cause.
        LOGGER.warn("listener '{}': closing the connection from {} after an unexpected error", listener, address(ctx),
            cause);
        ctx.fireExceptionCaught(cause);
    }

    /**
     * The socket or TLS failed (reset, broken pipe, bad handshake): Netty reports these as an IOException, or an
     * SSLException inside its decoder's wrapper. An IOException deeper in a cause chain is a server-side failure
     * (a store or a file) and is not quiet.
     */
    private static boolean transportFailure(Throwable cause) {
        if (cause instanceof IOException) {
            return true;
        }
        return cause instanceof DecoderException && has(cause, SSLException.class);
    }

    private static boolean has(Throwable error, Class<? extends Throwable> type) {
        for (Throwable current = error; current != null; current = current.getCause()) {
            if (type.isInstance(current)) {
                return true;
            }
            if (current.getCause() == current) {
                return false;
            }
        }
        return false;
    }

    private static String address(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress inet && inet.getAddress() != null
            ? inet.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
    }
}
