package org.postline.protocols.netty;

import io.netty.channel.ChannelHandlerContext;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import javax.net.ssl.SSLException;
import org.apache.james.protocols.api.Protocol;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.netty.BasicChannelInboundHandler;
import org.apache.james.protocols.netty.CommandInjectionDetectedException;
import org.apache.james.protocols.netty.Encryption;
import org.apache.james.protocols.netty.ProtocolMDCContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * James's per-connection handler, given our {@link ChannelTransport} and quieter handling of the errors a
 * public port sees all day (STARTTLS injection attempts, failed handshakes, resets) instead of a stack
 * trace each.
 */
final class ProtocolChannelHandler extends BasicChannelInboundHandler {

    private static final Logger LOGGER = LoggerFactory.getLogger(ProtocolChannelHandler.class);

    private final String listener;

    ProtocolChannelHandler(String listener, Protocol protocol, Encryption encryption) {
        super(new ProtocolMDCContextFactory.Standard(), protocol, encryption, false);
        this.listener = listener;
    }

    @Override
    protected ProtocolSession createSession(ChannelHandlerContext ctx) {
        return protocol.newSession(new ChannelTransport(ctx.channel(), secure));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
        ProtocolSession session = (ProtocolSession) ctx.channel().attr(SESSION_ATTRIBUTE_KEY).get();
        if (has(cause, CommandInjectionDetectedException.class)) {
            LOGGER.info("listener '{}': client {} sent commands in the same packet as STARTTLS; closing",
                    listener, address(ctx.channel().remoteAddress()));
            ctx.channel().config().setAutoRead(false);
            if (session != null) {
                ChannelTransport.of(session).ifPresent(transport -> {
                    Response fatal = session.newFatalErrorResponse();
                    if (fatal != null) {
                        transport.writeResponse(fatal, session);
                    }
                    transport.writeResponse(Response.DISCONNECT, session);
                });
            } else {
                ctx.close();
            }
            return;
        }
        if (has(cause, SSLException.class) || has(cause, IOException.class)) {
            LOGGER.info("listener '{}': connection from {} failed: {}", listener,
                    address(ctx.channel().remoteAddress()), cause.getMessage());
            ctx.close();
            return;
        }
        super.exceptionCaught(ctx, cause);
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

    private static String address(SocketAddress address) {
        return address instanceof InetSocketAddress inet && inet.getAddress() != null
                ? inet.getAddress().getHostAddress() : String.valueOf(address);
    }
}
