package org.postline.bench;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads CRLF-terminated protocol lines and literals from a socket with its own unsynchronized buffer, so the
 * client spends as little CPU per byte as it can (it must not be the bottleneck).
 */
final class LineInput {

    private static final int MAX_LINE = 1 << 20;

    private final InputStream in;
    private final String peer;
    private final byte[] buffer = new byte[65536];
    private int position;
    private int limit;
    private byte[] line = new byte[512];

    /** @param peer names the connection in errors ("IMAP 127.0.0.1:1143") */
    LineInput(InputStream in, String peer) {
        this.in = in;
        this.peer = peer;
    }

    /** The next line without its line ending. @throws EOFException if the peer closed */
    String read() throws IOException {
        int length = 0;
        while (true) {
            if (position == limit) {
                fill();
            }
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            int chunk = position - start;
            if (length + chunk > line.length) {
                if (length + chunk > MAX_LINE) {
                    throw new IOException("line longer than " + MAX_LINE + " bytes");
                }
                line = Arrays.copyOf(line, Math.max(line.length * 2, length + chunk));
            }
            System.arraycopy(buffer, start, line, length, chunk);
            length += chunk;
            if (position < limit) {
                position++;
                int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
                return new String(line, 0, end, StandardCharsets.ISO_8859_1);
            }
        }
    }

    /** Reads and drops exactly {@code count} bytes. */
    void skip(long count) throws IOException {
        long left = count;
        while (left > 0) {
            if (position == limit) {
                fill();
            }
            int step = (int) Math.min(left, limit - position);
            position += step;
            left -= step;
        }
    }

    private void fill() throws IOException {
        int read = in.read(buffer);
        if (read < 0) {
            throw new EOFException(peer + ": connection closed by the server");
        }
        position = 0;
        limit = read;
    }
}
