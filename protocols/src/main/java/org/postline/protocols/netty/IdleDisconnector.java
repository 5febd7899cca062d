package org.postline.protocols.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Closes a connection whose client has sent nothing for the idle timeout, saying why first. */
final class IdleDisconnector extends IdleStateHandler {

    private final byte[] reply;

    IdleDisconnector(Duration idleTimeout, String reply) {
        super(idleTimeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS);
        this.reply = (reply + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent event) {
        if (event.state() == IdleState.READER_IDLE && event.isFirst()) {
            ctx.channel().config().setAutoRead(false);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(reply)).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
