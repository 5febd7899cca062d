package org.postline.mailbox.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A message held in memory as its header and body arrays, read as one stream. {@link #transferTo} hands
 * both arrays to the sink as they are: a writer that copies a literal into its network buffer this way
 * copies each byte once, with no intermediate array per message.
 */
final class HeaderAndBodyStream extends InputStream {

    private final byte[] header;
    private final byte[] body;
    /** Position in header followed by body. */
    private int position;

    HeaderAndBodyStream(byte[] header, byte[] body) {
        this.header = header;
        this.body = body;
    }

    @Override
    public int read() {
        if (position < header.length) {
            return header[position++] & 0xff;
        }
        int inBody = position - header.length;
        if (inBody < body.length) {
            position++;
            return body[inBody] & 0xff;
        }
        return -1;
    }

    @Override
    public int read(byte[] target, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, target.length);
        if (length == 0) {
            return 0;
        }
        int available = available();
        if (available == 0) {
            return -1;
        }
        int total = Math.min(length, available);
        int copied = 0;
        if (position < header.length) {
            copied = Math.min(total, header.length - position);
            System.arraycopy(header, position, target, offset, copied);
        }
        if (copied < total) {
            System.arraycopy(body, position + copied - header.length, target, offset + copied, total - copied);
        }
        position += total;
        return total;
    }

    @Override
    public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, available()));
        position += (int) skipped;
        return skipped;
    }

    @Override
    public int available() {
        return header.length + body.length - position;
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
        int remaining = available();
        if (position < header.length) {
            out.write(header, position, header.length - position);
        }
        int inBody = Math.max(0, position - header.length);
        out.write(body, inBody, body.length - inBody);
        position = header.length + body.length;
        return remaining;
    }
}
