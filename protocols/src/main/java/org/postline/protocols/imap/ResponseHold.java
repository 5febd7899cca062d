package org.postline.protocols.imap;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imapserver.netty.NettyConstants;
import reactor.core.publisher.Mono;

/**
 * Holds back a connection's responses for a while (the pause after a failed login), without blocking any
 * thread: writes are queued in order and flushed when the pause ends, and nothing is read meanwhile. It can
 * also close the connection once the held responses are out. Sits at the tail of the pipeline, so every
 * response James writes passes through it; it makes itself known to the session as an attribute.
 */
final class ResponseHold extends ChannelDuplexHandler {

    static final String HANDLER_NAME = "postlineResponseHold";
    private static final String SESSION_ATTRIBUTE = "postline.responseHold";

    private record PendingWrite(Object message, ChannelPromise promise) {
    }

    private final Deque<PendingWrite> held = new ArrayDeque<>();
    private volatile ChannelHandlerContext context;
    private boolean holding;
    private boolean flushHeld;
    private boolean closeWhenReleased;

    /** The hold of the connection behind {@code session}, if it has one. */
    static Optional<ResponseHold> of(ImapSession session) {
        return session.getAttribute(SESSION_ATTRIBUTE) instanceof ResponseHold hold ? Optional.of(hold) : Optional.empty();
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        // James's core handler, just before us, has created the session by now.
        context = ctx;
        ImapSession session = ctx.channel().attr(NettyConstants.IMAP_SESSION_ATTRIBUTE_KEY).get();
        if (session != null) {
            session.setAttribute(SESSION_ATTRIBUTE, this);
        }
        super.channelActive(ctx);
        // The listener starts connections with reading off: James must have made the session before it decodes
        // the first command, or it drops the connection.
        ctx.channel().config().setAutoRead(true);
    }

    /**
     * From any thread: every response written after this call goes out only once {@code delay} has passed;
     * meanwhile nothing is read. With {@code thenClose}, the connection is closed right after them.
     */
    void holdFor(Duration delay, boolean thenClose) {
        ChannelHandlerContext ctx = context;
        if (ctx == null) {
            return;
        }
        Runnable arm = () -> {
            closeWhenReleased |= thenClose;
            if (!holding) {
                holding = true;
                ctx.channel().config().setAutoRead(false);
                ctx.executor().schedule(this::release, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
            }
        };
        if (ctx.executor().inEventLoop()) {
            arm.run();
        } else {
            ctx.executor().execute(arm);
        }
    }

    /** The connection, once it is active. */
    Optional<Channel> channel() {
        ChannelHandlerContext ctx = context;
        return ctx == null ? Optional.empty() : Optional.of(ctx.channel());
    }

    /** Completes on the connection's I/O thread once every task queued there before this call has run. */
    Mono<Void> afterQueuedIoTasks() {
        ChannelHandlerContext ctx = context;
        if (ctx == null || ctx.executor().isShuttingDown()) {
            return Mono.empty();
        }
        return Mono.create(sink -> {
            try {
                ctx.executor().execute(sink::success);
            } catch (RejectedExecutionException stopped) {
                sink.success();
            }
        });
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (holding) {
            held.add(new PendingWrite(msg, promise));
        } else {
            ctx.write(msg, promise);
        }
    }

    @Override
    public void flush(ChannelHandlerContext ctx) {
        if (holding) {
            flushHeld = true;
        } else {
            ctx.flush();
        }
    }

    private void release() {
        ChannelHandlerContext ctx = context;
        holding = false;
        for (PendingWrite write = held.poll(); write != null; write = held.poll()) {
            ctx.write(write.message(), write.promise());
        }
        if (closeWhenReleased) {
            ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        if (flushHeld) {
            flushHeld = false;
            ctx.flush();
        }
        ctx.channel().config().setAutoRead(true);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        for (PendingWrite write = held.poll(); write != null; write = held.poll()) {
            ReferenceCountUtil.release(write.message());
            write.promise().tryFailure(new ClosedChannelException());
        }
    }
}
