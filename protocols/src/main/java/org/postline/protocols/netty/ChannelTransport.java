package org.postline.protocols.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.AttributeKey;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSessionImpl;
import org.apache.james.protocols.netty.Encryption;
import org.apache.james.protocols.netty.HandlerConstants;
import org.apache.james.protocols.netty.NettyProtocolTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The James transport of one connection, with these changes: every write runs on the channel's I/O loop in
 * call order, so that the STARTTLS reply and the installation of the TLS handler are one step no read can
 * slip between; and responses can be held back for a while without blocking any thread (the pause after
 * a failed login), keeping their order. Streamed replies (a POP3 message) are read on the thread running
 * the connection's protocol handler, which is an I/O thread only if the protocol chose so.
 */
public final class ChannelTransport extends NettyProtocolTransport {

    /** The channel attribute James's STARTTLS-aware framer sets when it sees the STARTTLS verb. */
    private static final AttributeKey<Object> START_TLS_IN_FLIGHT = AttributeKey.valueOf("startTlsInFlight");

    private static final Logger LOGGER = LoggerFactory.getLogger(ChannelTransport.class);
    /** Bytes a stream's first read asks for, and the step its buffer grows by. */
    private static final int FIRST_READ = 16 * 1024;

    private final Channel channel;
    private final Encryption encryption;
    private final Deque<Runnable> held = new ArrayDeque<>();
    private boolean drainScheduled;
    /** Whether a flush is queued on the I/O loop; used on the I/O loop only. */
    private boolean flushScheduled;
    private volatile long holdUntilNanos = System.nanoTime();

    ChannelTransport(Channel channel, Encryption encryption) {
        super(channel, encryption, false);
        this.channel = channel;
        this.encryption = encryption;
    }

    /** The transport behind a session created by {@link LineProtocolServer}, if it is one. */
    public static Optional<ChannelTransport> of(ProtocolSession session) {
        if (session instanceof ProtocolSessionImpl impl && impl.getProtocolTransport() instanceof ChannelTransport transport) {
            return Optional.of(transport);
        }
        return Optional.empty();
    }

    public Channel channel() {
        return channel;
    }

    /**
     * Holds back every response written from now until {@code delay} has passed, and reads nothing more
     * from the client meanwhile. Nothing blocks: the writes are scheduled on the I/O loop.
     */
    public void holdResponses(Duration delay) {
        holdUntilNanos = System.nanoTime() + delay.toNanos();
        channel.config().setAutoRead(false);
        inOrder(() -> channel.config().setAutoRead(true));
    }

    @Override
    protected void writeToClient(byte[] bytes, ProtocolSession session, boolean startTLS) {
        inOrder(() -> {
            if (startTLS) {
                channel.writeAndFlush(Unpooled.wrappedBuffer(bytes));
                // Installed in the same I/O-loop task as the plain-text 220 goes out: the client's
                // handshake can only arrive after it.
                channel.pipeline().addFirst(HandlerConstants.SSL_HANDLER, encryption.sslHandler());
            } else {
                channel.write(Unpooled.wrappedBuffer(bytes));
                flushSoon();
            }
        });
    }

    /**
     * Sends a stream (a POP3 message, say), read on the connection's handler thread since it may come from
     * disk. Called on that thread (as replies are), the first chunk is read at once, so a stream that fits in
     * it (most messages) goes out in one write, without a round trip between the threads per chunk; the rest
     * of a longer one follows in chunks read on the handler thread.
     */
    @Override
    protected void writeToClient(InputStream in, ProtocolSession session, boolean startTLS) {
        ChannelHandlerContext core = channel.pipeline().context(HandlerConstants.CORE_HANDLER);
        if (core == null) {
            closeQuietly(in);
            return;
        }
        Object content;
        if (core.executor().inEventLoop()) {
            content = readFirstChunk(in, core);
            if (content == null) {
                return;
            }
        } else {
            content = new OffloadedChunkedStream(in, channel, core.executor()).start();
        }
        inOrder(() -> {
            if (startTLS) {
                channel.pipeline().addFirst(HandlerConstants.SSL_HANDLER, encryption.sslHandler());
            }
            channel.writeAndFlush(content);
        });
    }

    /**
     * The whole stream as one buffer if it fits in a chunk, else a chunked stream starting with what was read;
     * null if reading failed (the connection is then closed: a truncated reply must not pass for a whole one).
     */
    private Object readFirstChunk(InputStream in, ChannelHandlerContext core) {
        ByteBuf first = channel.alloc().buffer(FIRST_READ, OffloadedChunkedStream.CHUNK_SIZE);
        try {
            while (first.maxWritableBytes() > 0) {
                first.ensureWritable(Math.min(FIRST_READ, first.maxWritableBytes()));
                if (first.writeBytes(in, first.writableBytes()) < 0) {
                    closeQuietly(in);
                    return first;
                }
            }
        } catch (IOException | RuntimeException e) {
            first.release();
            closeQuietly(in);
            LOGGER.info("closing connection from {}: the stream being sent failed: {}", channel.remoteAddress(),
                    e.toString());
            inOrder(channel::close);
            return null;
        }
        return new OffloadedChunkedStream(in, channel, core.executor(), first).start();
    }

    /**
     * Forgets a STARTTLS/STLS the framer saw but the protocol refused. James's framer marks STARTTLS "in
     * flight" when it sees the verb and treats any later line as command injection until TLS starts, so
     * without this a refused STLS would get the next command's connection closed.
     */
    public void startTlsRefused() {
        channel.attr(START_TLS_IN_FLIGHT).set(null);
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // nothing was sent; nothing to report
        }
    }

    @Override
    protected void close() {
        inOrder(() -> channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE));
    }

    /**
     * Flushes once the I/O loop has run the tasks already queued, so a status line and the stream after it
     * (a RETR's "+OK" and message), queued back to back, leave in one write. Runs on the I/O loop.
     */
    private void flushSoon() {
        if (flushScheduled) {
            return;
        }
        flushScheduled = true;
        try {
            channel.eventLoop().execute(() -> {
                flushScheduled = false;
                channel.flush();
            });
        } catch (RejectedExecutionException shuttingDown) {
            flushScheduled = false;
            channel.flush();
        }
    }

    private void inOrder(Runnable write) {
        try {
            synchronized (this) {
                long wait = holdUntilNanos - System.nanoTime();
                if (wait > 0 || drainScheduled) {
                    held.add(write);
                    if (!drainScheduled) {
                        drainScheduled = true;
                        channel.eventLoop().schedule(this::drainHeld, Math.max(0, wait), TimeUnit.NANOSECONDS);
                    }
                    return;
                }
            }
            if (channel.eventLoop().inEventLoop()) {
                write.run();
            } else {
                channel.eventLoop().execute(write);
            }
        } catch (RejectedExecutionException shuttingDown) {
            channel.close();
        }
    }

    /** Runs the held writes in order once the hold is over (on the I/O loop). */
    private void drainHeld() {
        while (true) {
            Runnable next;
            synchronized (this) {
                long wait = holdUntilNanos - System.nanoTime();
                if (wait > 0) {
                    channel.eventLoop().schedule(this::drainHeld, wait, TimeUnit.NANOSECONDS);
                    return;
                }
                next = held.poll();
                if (next == null) {
                    drainScheduled = false;
                    return;
                }
            }
            next.run();
        }
    }
}
