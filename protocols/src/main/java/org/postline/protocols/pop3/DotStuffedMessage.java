package org.postline.protocols.pop3;

import java.io.IOException;
import java.io.InputStream;

/**
 * A stored message as a RETR reply body (RFC 1939 3): bare LF line endings become CRLF, a line starting with
 * "." gets one more, the last line is ended with CRLF if it was not, and the terminating ".CRLF" follows.
 * It works a block at a time: the message is read in blocks and each read fills the caller's array, where
 * James's stack of filter streams costs several calls per byte.
 */
final class DotStuffedMessage extends InputStream {

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte DOT = '.';
    private static final byte[] END_OF_BODY = {DOT, CR, LF};
    /** The most one input byte can become: ".." or CRLF. */
    private static final int MAX_EXPANSION = 2;

    private final InputStream source;
    private final byte[] block;
    private int position;
    private int limit;
    private boolean sourceDone;
    private boolean atLineStart = true;
    private int lastWritten = -1;
    /** Bytes made but not yet handed out: one expanded byte that did not fit, or the end of the reply. */
    private byte[] pending = new byte[MAX_EXPANSION];
    private int pendingPosition;
    private int pendingLimit;
    private boolean ended;

    DotStuffedMessage(InputStream source) {
        this(source, 8 * 1024);
    }

    /** @param blockSize bytes read from {@code source} at a time */
    DotStuffedMessage(InputStream source, int blockSize) {
        this.source = source;
        this.block = new byte[blockSize];
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    /** Fills {@code buffer} as far as the message goes. */
    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int written = 0;
        while (written < length) {
            if (pendingPosition < pendingLimit) {
                int count = Math.min(length - written, pendingLimit - pendingPosition);
                System.arraycopy(pending, pendingPosition, buffer, offset + written, count);
                pendingPosition += count;
                written += count;
            } else if (ended) {
                break;
            } else if (position == limit && !fill()) {
                pending = tail();
                pendingPosition = 0;
                pendingLimit = pending.length;
                ended = true;
            } else if (length - written >= MAX_EXPANSION) {
                written += stuff(buffer, offset + written, length - written);
            } else {
                pendingPosition = 0;
                pendingLimit = stuff(pending, 0, MAX_EXPANSION);
            }
        }
        return written == 0 ? -1 : written;
    }

    /** Copies message bytes, stuffing dots and line endings, while a whole expansion fits; returns the count. */
    private int stuff(byte[] out, int start, int room) {
        int at = start;
        int end = start + room - MAX_EXPANSION;
        byte[] in = block;
        int i = position;
        int previous = lastWritten;
        boolean lineStart = atLineStart;
        while (i < limit && at <= end) {
            byte b = in[i++];
            if (b == LF) {
                if (previous != CR) {
                    out[at++] = CR;
                }
                lineStart = true;
            } else {
                if (lineStart && b == DOT) {
                    out[at++] = DOT;
                }
                lineStart = false;
            }
            out[at++] = b;
            previous = b;
        }
        position = i;
        lastWritten = previous;
        atLineStart = lineStart;
        return at - start;
    }

    /** Reads the next block; false at the end of the message. */
    private boolean fill() throws IOException {
        if (sourceDone) {
            return false;
        }
        int read = source.read(block, 0, block.length);
        while (read == 0) {
            read = source.read(block, 0, block.length);
        }
        if (read < 0) {
            sourceDone = true;
            return false;
        }
        position = 0;
        limit = read;
        return true;
    }

    /** What ends the reply: a CRLF for an unended last line (or an empty message), then ".CRLF". */
    private byte[] tail() {
        if (lastWritten == LF) {
            return END_OF_BODY;
        }
        if (lastWritten == CR) {
            return new byte[] {LF, DOT, CR, LF};
        }
        return new byte[] {CR, LF, DOT, CR, LF};
    }

    @Override
    public void close() throws IOException {
        source.close();
    }
}
