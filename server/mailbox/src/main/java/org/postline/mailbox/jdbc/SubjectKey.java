package org.postline.mailbox.jdbc;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The {@code subject_key} column: what a SUBJECT search can match in a message, so the database can screen
 * messages on an index without reading their headers. {@code "="} followed by the values of every Subject
 * field, unfolded, upper-cased and joined by LF (no needle holds one), when those are plain ASCII without
 * encoded words; James matches in exactly that text. Otherwise ({@link #UNKNOWN}): 8-bit text, encoded
 * words, odd line ends or too long for the column; such messages are always candidates.
 * A NULL column (rows written before migration V5) means the same.
 */
final class SubjectKey {

    static final String UNKNOWN = "~";
    static final int MAX_LENGTH = 250;
    /** The escape character of the LIKE patterns: neither SQL nor Java needs it escaped. */
    static final char ESCAPE = '!';

    private SubjectKey() {
    }

    static String of(byte[] header) {
        StringBuilder key = new StringBuilder("=");
        boolean inSubject = false;
        boolean first = true;
        int lineStart = 0;
        while (lineStart < header.length) {
            int end = lineStart;
            while (end < header.length && header[end] != '\n') {
                end++;
            }
            // A line is its bytes up to LF, less one CR before it; any other CR is odd enough to give up.
            int contentEnd = end > lineStart && header[end - 1] == '\r' ? end - 1 : end;
            for (int i = lineStart; i < contentEnd; i++) {
                if (header[i] == '\r') {
                    return UNKNOWN;
                }
            }
            if (contentEnd == lineStart) {
                break; // the blank line that ends the header
            }
            boolean continuation = header[lineStart] == ' ' || header[lineStart] == '\t';
            int valueStart = lineStart;
            if (!continuation) {
                int colon = indexOf(header, (byte) ':', lineStart, contentEnd);
                inSubject = colon > 0 && isSubject(header, lineStart, colon);
                valueStart = colon + 1;
                if (inSubject && !first) {
                    key.append('\n');
                }
                if (inSubject) {
                    first = false;
                }
            }
            if (inSubject && !append(key, header, valueStart, contentEnd)) {
                return UNKNOWN;
            }
            lineStart = end + 1;
        }
        return key.length() > MAX_LENGTH ? UNKNOWN : key.toString();
    }

    /** LIKE patterns that a key must all match for James to possibly find every needle (upper-case ASCII). */
    static List<String> patterns(List<String> needles) {
        return needles.stream().map(needle -> "=%" + escape(needle) + "%").toList();
    }

    private static String escape(String needle) {
        StringBuilder escaped = new StringBuilder(needle.length() + 4);
        for (char c : needle.toCharArray()) {
            if (c == '%' || c == '_' || c == ESCAPE) {
                escaped.append(ESCAPE);
            }
            escaped.append(c);
        }
        return escaped.toString();
    }

    private static boolean append(StringBuilder key, byte[] header, int from, int to) {
        for (int i = from; i < to; i++) {
            byte b = header[i];
            if (b < 0 || b == 0 || (b == '=' && i + 1 < to && header[i + 1] == '?')) {
                return false;
            }
            key.append((char) (b >= 'a' && b <= 'z' ? b - ('a' - 'A') : b));
            if (key.length() > MAX_LENGTH) {
                return false;
            }
        }
        return true;
    }

    /** Whether the field name (before the colon), trimmed as a lenient parser would, is "Subject". */
    private static boolean isSubject(byte[] header, int from, int colon) {
        int end = colon;
        while (end > from && (header[end - 1] == ' ' || header[end - 1] == '\t')) {
            end--;
        }
        String name = new String(header, from, end - from, StandardCharsets.ISO_8859_1);
        return name.equalsIgnoreCase("subject");
    }

    private static int indexOf(byte[] bytes, byte wanted, int from, int to) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == wanted) {
                return i;
            }
        }
        return -1;
    }
}
