package org.postline.protocols.imap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.Channel;
import io.netty.channel.DefaultFileRegion;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.stream.ChunkedNioFile;
import io.netty.handler.stream.ChunkedStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import org.apache.james.imap.encode.ImapResponseWriter;
import org.apache.james.imap.message.Literal;

/**
 * Writes a command's responses to the channel in a few large buffers rather than one write and flush per
 * line and per literal, as James's writer does. Processors run off the I/O thread, so each channel write is
 * a task handed to it, and each flush a system call: a FETCH of a thousand bodies cost thousands of both.
 * Small literals are copied into the buffer; large ones are streamed as James streams them, after whatever
 * was buffered before them. The buffer goes out when it reaches {@link #SEND_AT} bytes and on every
 * {@link #flush()}, which the responder calls when James flushes and when a command ends.
 */
final class BatchedResponseWriter implements ImapResponseWriter {

    /** Buffer size: a full buffer is sent at once, without waiting for a flush (and fits Netty's thread caches). */
    static final int SEND_AT = 32 * 1024;
    /** Literals up to this size are copied into the buffer; larger ones are streamed from their source. */
    static final int COPIED_LITERAL_LIMIT = 256 * 1024;

    /** Empties the composer that feeds this writer, so its bytes go out before a literal's. */
    @FunctionalInterface
    interface PendingText {
        void flush() throws IOException;
    }

    private final Channel channel;
    private PendingText pendingText = () -> { };
    private ByteBuf buffer;

    BatchedResponseWriter(Channel channel) {
        this.channel = channel;
    }

    void pendingText(PendingText pendingText) {
        this.pendingText = pendingText;
    }

    @Override
    public synchronized void write(byte[] bytes) {
        if (channel.isActive()) {
            room(bytes.length).writeBytes(bytes);
            sendIfFull();
        }
    }

    @Override
    public synchronized void write(Literal literal) throws IOException {
        pendingText.flush();
        if (!channel.isActive()) {
            return;
        }
        long size = literal.size();
        InputStream in = literal.getInputStream();
        if (size <= COPIED_LITERAL_LIMIT && !(in instanceof FileInputStream)) {
            try (in) {
                copy(in, (int) size);
            }
            sendIfFull();
            return;
        }
        flush();
        if (in instanceof FileInputStream file) {
            FileChannel source = file.getChannel();
            // Zero copy only when nothing transforms the bytes on their way out.
            if (channel.pipeline().get(SslHandler.class) == null) {
                channel.writeAndFlush(new DefaultFileRegion(source, source.position(), size));
            } else {
                channel.writeAndFlush(new ChunkedNioFile(source, 8192));
            }
        } else {
            channel.writeAndFlush(new ChunkedStream(in));
        }
    }

    /** Sends whatever is buffered. */
    synchronized void flush() {
        ByteBuf out = buffer;
        buffer = null;
        if (out == null) {
            return;
        }
        if (out.isReadable() && channel.isActive()) {
            channel.writeAndFlush(out);
        } else {
            out.release();
        }
    }

    /**
     * To the end of the stream, like James's chunked copy, whatever size was announced. A stream over arrays
     * (a stored message read with its body) writes them straight into the buffer: one copy, no chunk array.
     */
    private void copy(InputStream in, int size) throws IOException {
        in.transferTo(new ByteBufOutputStream(room(size)));
    }

    /** The buffer, sent first and replaced if it has not room for {@code bytes} more: it seldom grows. */
    private ByteBuf room(int bytes) {
        if (buffer != null && buffer.isReadable() && buffer.writableBytes() < bytes) {
            flush();
        }
        if (buffer == null) {
            buffer = channel.alloc().ioBuffer(SEND_AT);
        }
        return buffer;
    }

    private void sendIfFull() {
        if (buffer != null && buffer.readableBytes() >= SEND_AT) {
            flush();
        }
    }
}
