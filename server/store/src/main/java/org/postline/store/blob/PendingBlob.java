package org.postline.store.blob;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A blob being written to a temporary file. {@link #publish} makes it durable under its final name;
 * {@link #discard} (or {@link #close} before publishing) deletes it.
 */
public final class PendingBlob implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PendingBlob.class);

    private final BlobStore store;
    private final Path file;
    private final FileChannel channel;
    private final BufferedOutputStream buffer;
    private final OutputStream stream;
    private boolean finished;

    PendingBlob(BlobStore store, Path file) throws IOException {
        this.store = store;
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.WRITE);
        this.buffer = new BufferedOutputStream(Channels.newOutputStream(channel), 64 * 1024);
        this.stream = new KeepOpen(buffer);
    }

    /** Where the content goes; closing it only flushes, so a caller may close it before publishing. */
    public OutputStream stream() {
        return stream;
    }

    /**
     * Flushes, fsyncs the file and publishes it as {@code <area>/<id>} (a file moved into place, or a row).
     *
     * @return the size in bytes
     */
    public synchronized long publish(String area, String id) throws IOException {
        if (finished) {
            throw new IllegalStateException("this blob was already published or discarded");
        }
        finished = true;
        try {
            buffer.flush();
            channel.force(true);
            long size = channel.size();
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
        closeQuietly();
        deleteQuietly();
    }

    @Override
    public void close() {
        discard();
    }

    private void closeQuietly() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Closing temporary blob {} failed", file, e);
        }
    }

    private void deleteQuietly() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Could not delete temporary blob {}; it will be removed at the next start", file, e);
        }
    }

    /** Lets a caller close the content stream (as many stream helpers do) without closing the file. */
    private static final class KeepOpen extends OutputStream {
        private final OutputStream target;

        KeepOpen(OutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) throws IOException {
            target.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            target.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }

        @Override
        public void close() throws IOException {
            target.flush();
        }
    }
}
