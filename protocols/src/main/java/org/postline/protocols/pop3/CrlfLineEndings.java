package org.postline.protocols.pop3;

import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Turns bare LF line endings into CRLF and leaves everything else alone, so a message stored with CRLF
 * passes byte for byte. James's dot-stuffing and TOP line counting only recognise CRLF lines: a bare-LF
 * message would otherwise reach the client with an unstuffed "." line, which ends the reply early.
 */
final class CrlfLineEndings extends FilterInputStream {

    private int previous = -1;
    private boolean pendingLf;

    /** James's wrappers read one byte at a time, so the source is buffered here. */
    CrlfLineEndings(InputStream in) {
        super(new BufferedInputStream(in, 16 * 1024));
    }

    @Override
    public int read() throws IOException {
        if (pendingLf) {
            pendingLf = false;
            previous = '\n';
            return '\n';
        }
        int next = in.read();
        if (next == '\n' && previous != '\r') {
            pendingLf = true;
            previous = '\r';
            return '\r';
        }
        previous = next;
        return next;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        int count = 0;
        while (count < length) {
            int next = read();
            if (next < 0) {
                return count == 0 ? -1 : count;
            }
            buffer[offset + count++] = (byte) next;
        }
        return count;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = 0;
        while (skipped < n && read() >= 0) {
            skipped++;
        }
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    @Override
    public synchronized void mark(int readLimit) {
        // not supported
    }

    @Override
    public synchronized void reset() throws IOException {
        throw new IOException("mark/reset not supported");
    }
}
