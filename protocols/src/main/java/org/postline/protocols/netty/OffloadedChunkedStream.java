package org.postline.protocols.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.util.concurrent.EventExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A stream sent to the client in chunks, where the stream is read on the connection's handler thread and
 * never on the I/O thread (Netty's ChunkedStream reads on the I/O thread, and a message stream may come
 * from disk). At most one chunk is read ahead, so memory stays bounded whatever the stream's size; the
 * {@link ChunkedWriteHandler} is told to resume whenever a chunk becomes ready. A stream that fails
 * half-way closes the connection: the client must not take a truncated message for a whole one.
 */
final class OffloadedChunkedStream implements ChunkedInput<ByteBuf> {

    private static final Logger LOGGER = LoggerFactory.getLogger(OffloadedChunkedStream.class);
    static final int CHUNK_SIZE = 64 * 1024;

    private final InputStream source;
    private final Channel channel;
    private final EventExecutor reader;
    private ByteBuf ready;
    private boolean sourceDone;
    private boolean closed;
    private long delivered;

    /**
     * @param reader the executor that may block on {@code source} (the connection's handler executor)
     */
    OffloadedChunkedStream(InputStream source, Channel channel, EventExecutor reader) {
        this.source = source;
        this.channel = channel;
        this.reader = reader;
    }

    /**
     * A stream whose first chunk the caller already read (on the reader executor): it goes out first, and
     * the next is read when it is taken.
     */
    OffloadedChunkedStream(InputStream source, Channel channel, EventExecutor reader, ByteBuf firstChunk) {
        this(source, channel, reader);
        this.ready = firstChunk;
    }

    /** Starts reading the first chunk ahead, unless given; call before handing this to the channel. */
    OffloadedChunkedStream start() {
        boolean readAhead;
        synchronized (this) {
            readAhead = ready == null;
        }
        if (readAhead) {
            fetchNext();
        }
        return this;
    }

    private void fetchNext() {
        try {
            reader.execute(this::fetch);
        } catch (RejectedExecutionException shuttingDown) {
            fail(new IOException("server shutting down"));
        }
    }

    /** Reads one chunk (on the reader executor) and wakes the writer. */
    private void fetch() {
        synchronized (this) {
            if (closed) {
                return;
            }
        }
        byte[] chunk = new byte[CHUNK_SIZE];
        int filled = 0;
        boolean end = false;
        try {
            while (filled < chunk.length) {
                int read = source.read(chunk, filled, chunk.length - filled);
                if (read < 0) {
                    end = true;
                    break;
                }
                filled += read;
            }
        } catch (IOException | RuntimeException e) {
            fail(e);
            return;
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            ready = Unpooled.wrappedBuffer(chunk, 0, filled);
            sourceDone = end;
        }
        resumeWriter();
    }

    private void fail(Exception cause) {
        LOGGER.info("closing connection from {}: the stream being sent failed: {}", channel.remoteAddress(),
                cause.toString());
        synchronized (this) {
            sourceDone = true;
        }
        channel.close();
    }

    private void resumeWriter() {
        ChunkedWriteHandler writer = channel.pipeline().get(ChunkedWriteHandler.class);
        if (writer != null) {
            writer.resumeTransfer();
        }
    }

    @Override
    public synchronized boolean isEndOfInput() {
        return sourceDone && ready == null;
    }

    @Override
    public ByteBuf readChunk(ChannelHandlerContext ctx) {
        return readChunk(ctx.alloc());
    }

    /** Hands over the chunk read ahead, if any, and starts reading the next; null means "not yet". */
    @Override
    public ByteBuf readChunk(ByteBufAllocator allocator) {
        ByteBuf chunk;
        boolean more;
        synchronized (this) {
            chunk = ready;
            ready = null;
            more = chunk != null && !sourceDone && !closed;
            if (chunk != null) {
                delivered += chunk.readableBytes();
            }
        }
        if (more) {
            fetchNext();
        }
        return chunk;
    }

    @Override
    public void close() {
        ByteBuf unsent;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            unsent = ready;
            ready = null;
        }
        if (unsent != null) {
            unsent.release();
        }
        try {
            reader.execute(this::closeSource);
        } catch (RejectedExecutionException shuttingDown) {
            closeSource();
        }
    }

    private void closeSource() {
        try {
            source.close();
        } catch (IOException e) {
            LOGGER.debug("closing a sent stream failed", e);
        }
    }

    @Override
    public long length() {
        return -1;
    }

    @Override
    public synchronized long progress() {
        return delivered;
    }
}
