package org.postline.protocols.imap;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imapserver.netty.NettyConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a connection whose client has sent no whole command for too long: {@code beforeLogin} while it is not
 * authenticated, {@code afterLogin} once it is (an idling client is silent for up to 29 minutes). Idleness is
 * checked every {@code min(beforeLogin, afterLogin)}; the client is told with a BYE first.
 */
final class SessionIdleTimeout extends IdleStateHandler {

    private static final Logger LOGGER = LoggerFactory.getLogger(SessionIdleTimeout.class);
    private static final byte[] BYE = "* BYE Autologout; idle for too long\r\n".getBytes(StandardCharsets.US_ASCII);

    private final long periodNanos;
    private final long beforeLoginNanos;
    private final long afterLoginNanos;
    private int silentPeriods;

    SessionIdleTimeout(Duration beforeLogin, Duration afterLogin) {
        super(Math.min(beforeLogin.toNanos(), afterLogin.toNanos()), 0, 0, TimeUnit.NANOSECONDS);
        this.periodNanos = Math.min(beforeLogin.toNanos(), afterLogin.toNanos());
        this.beforeLoginNanos = beforeLogin.toNanos();
        this.afterLoginNanos = afterLogin.toNanos();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        silentPeriods = 0;
        super.channelRead(ctx, msg);
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
        if (event.state() != IdleState.READER_IDLE) {
            return;
        }
        silentPeriods++;
        ImapSession session = ctx.channel().attr(NettyConstants.IMAP_SESSION_ATTRIBUTE_KEY).get();
        boolean loggedIn = session != null && (session.getState() == ImapSessionState.AUTHENTICATED
            || session.getState() == ImapSessionState.SELECTED);
        long limit = loggedIn ? afterLoginNanos : beforeLoginNanos;
        if ((long) silentPeriods * periodNanos >= limit) {
            LOGGER.info("closing IMAP connection from {}: idle for {} ms{}", ctx.channel().remoteAddress(),
                TimeUnit.NANOSECONDS.toMillis(limit), loggedIn ? "" : " before login");
            ctx.channel().config().setAutoRead(false);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(BYE)).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
