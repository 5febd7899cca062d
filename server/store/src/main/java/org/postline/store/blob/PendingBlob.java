package org.postline.store.blob;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A blob being written: held in memory up to {@link BlobStore#INLINE_LIMIT} bytes, spilled to a temporary file
 * beyond. {@link #publish} makes it durable under its final name; a queue may instead take the content
 * ({@link #inMemory}, {@link #openContent}) into its own transaction and then {@link #discard} the blob.
 * {@link #discard} (or {@link #close} before publishing) deletes any temporary file.
 */
public final class PendingBlob implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PendingBlob.class);

    private final BlobStore store;
    private final int inlineLimit;
    private final OutputStream stream = new Content();
    private byte[] memory = new byte[8192];
    private int count;
    private Path file;
    private FileChannel channel;
    private BufferedOutputStream buffer;
    private long size;
    private boolean finished;

    PendingBlob(BlobStore store, int inlineLimit) {
        this.store = store;
        this.inlineLimit = inlineLimit;
    }

    /** Where the content goes; closing it only flushes, so a caller may close it before publishing. */
    public OutputStream stream() {
        return stream;
    }

    /** Bytes written so far. */
    public synchronized long size() {
        return size;
    }

    /** The content while it is small enough to stay in memory (a copy); empty once it went to a file. */
    public synchronized Optional<byte[]> inMemory() {
        checkOpen();
        return file == null ? Optional.of(Arrays.copyOf(memory, count)) : Optional.empty();
    }

    /**
     * Reads the content written so far, unsynced (for a caller that stores it in a database transaction,
     * whose commit is the durable step).
     */
    public synchronized InputStream openContent() throws IOException {
        checkOpen();
        if (file == null) {
            return new ByteArrayInputStream(memory, 0, count);
        }
        buffer.flush();
        return Files.newInputStream(file);
    }

    /**
     * Publishes the content as {@code <area>/<id>}: a database row straight from memory or the temporary file,
     * or a file that is synced, moved into place and whose directory is synced.
     *
     * @return the size in bytes
     */
    public synchronized long publish(String area, String id) throws IOException {
        checkOpen();
        finished = true;
        try {
            if (store.inDatabase() && file == null) {
                store.publish(Arrays.copyOf(memory, count), area, id);
                return size;
            }
            if (file == null) {
                spill();
            }
            buffer.flush();
            if (!store.inDatabase()) {
                channel.force(true); // the file itself is what survives a crash
            }
            channel.close();
            store.publish(file, area, id, size);
            return size;
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            deleteQuietly();
            throw e;
        }
    }

    public synchronized void discard() {
        if (finished) {
            return;
        }
        finished = true;
        memory = null;
        closeQuietly();
        deleteQuietly();
    }

    @Override
    public void close() {
        discard();
    }

    private void checkOpen() {
        if (finished) {
            throw new IllegalStateException("this blob was already published or discarded");
        }
    }

    private synchronized void write(byte[] bytes, int offset, int length) throws IOException {
        if (finished) {
            throw new IOException("this blob was already published or discarded");
        }
        if (file == null && count + length > inlineLimit) {
            spill();
        }
        if (file == null) {
            if (count + length > memory.length) {
                memory = Arrays.copyOf(memory, Math.min(inlineLimit, Math.max(memory.length * 2, count + length)));
            }
            System.arraycopy(bytes, offset, memory, count, length);
            count += length;
        } else {
            buffer.write(bytes, offset, length);
        }
        size += length;
    }

    private synchronized void flush() throws IOException {
        if (buffer != null && !finished) {
            buffer.flush();
        }
    }

    /** Moves what memory holds to a new temporary file, where the rest of the content follows. */
    private void spill() throws IOException {
        file = store.createTemporary();
        try {
            channel = FileChannel.open(file, StandardOpenOption.WRITE);
            buffer = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
            buffer.write(memory, 0, count);
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            deleteQuietly();
            throw e;
        }
        memory = null;
        count = 0;
    }

    private void closeQuietly() {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Closing temporary blob {} failed", file, e);
        }
    }

    private void deleteQuietly() {
        if (file == null) {
            return;
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Could not delete temporary blob {}; it will be removed at the next start", file, e);
        }
    }

    /** The content stream; closing it (as many stream helpers do) only flushes. */
    private final class Content extends OutputStream {
        private final byte[] one = new byte[1];

        @Override
        public void write(int b) throws IOException {
            synchronized (PendingBlob.this) {
                one[0] = (byte) b;
                PendingBlob.this.write(one, 0, 1);
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
            PendingBlob.this.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            PendingBlob.this.flush();
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
