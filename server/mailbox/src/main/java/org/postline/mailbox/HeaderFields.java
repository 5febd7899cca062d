package org.postline.mailbox;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.apache.james.mailbox.model.Header;

/**
 * Splits a message's header bytes into the fields James's store gives its readers (ENVELOPE, header fetches),
 * exactly as its permissive MIME parsing does, without setting up a MIME parser per message:
 * <ul>
 * <li>lines end at LF; the header ends at the first line that is empty once one LF and then one CR are taken
 *     off its end, or at the end of the bytes;</li>
 * <li>the first line starts a field; a later line starting with SP or HT continues the field before it;</li>
 * <li>a field's name is what comes before its first colon outside comments, without whitespace, comments and
 *     leading or trailing control characters; a field with no such colon, or whose name then holds other than
 *     printable US-ASCII, is dropped;</li>
 * <li>its value is every byte after the colon, one byte per char, folds kept, less its final LF and then CR,
 *     one leading space (only if more follows), a trailing CR FF and then one more leading space.</li>
 * </ul>
 * HeaderFieldsTest holds this to James's own parsing over ordinary, folded, malformed and 8-bit headers.
 */
final class HeaderFields {

    private HeaderFields() {
    }

    static List<Header> split(byte[] bytes) {
        List<Header> fields = new ArrayList<>();
        int length = bytes.length;
        int position = 0;
        while (position < length) {
            int start = position;
            int lineEnd = endOfLine(bytes, position, length);
            if (isBlank(bytes, position, lineEnd)) {
                break;
            }
            position = lineEnd;
            boolean lastField = false;
            while (position < length) {
                int next = endOfLine(bytes, position, length);
                if (isBlank(bytes, position, next)) {
                    lastField = true;
                    break;
                }
                if (bytes[position] != ' ' && bytes[position] != '\t') {
                    break;
                }
                position = next;
            }
            addField(fields, bytes, start, position);
            if (lastField) {
                break;
            }
        }
        return fields;
    }

    private static void addField(List<Header> fields, byte[] bytes, int start, int fieldEnd) {
        int end = fieldEnd;
        if (end > start && bytes[end - 1] == '\n') {
            end--;
        }
        if (end > start && bytes[end - 1] == '\r') {
            end--;
        }
        int colon = start;
        while (colon < end && isNameChar(bytes[colon]) && bytes[colon] != '(') {
            colon++;
        }
        String name;
        if (colon < end && bytes[colon] == ':') {
            name = new String(bytes, start, colon - start, StandardCharsets.ISO_8859_1);
        } else {
            StringBuilder parsed = new StringBuilder();
            colon = parseName(bytes, start, end, parsed);
            name = parsed.toString().trim();
            if (colon < 0 || !isName(name)) {
                return;
            }
        }
        int valueStart = colon + 1;
        if (end > valueStart + 1 && bytes[valueStart] == ' ') {
            valueStart++;
        }
        String value = new String(bytes, valueStart, end - valueStart, StandardCharsets.ISO_8859_1);
        if (value.endsWith("\r\f")) {
            value = value.substring(0, value.length() - 2);
        }
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        fields.add(new Header(name, value));
    }

    /**
     * The name's tokens, a space between two that whitespace parted (which makes the name invalid), comments
     * skipped; returns the index of the colon that ends it, or -1 when there is none.
     */
    private static int parseName(byte[] bytes, int start, int end, StringBuilder name) {
        boolean whitespace = false;
        int position = start;
        while (position < end) {
            int current = bytes[position] & 0xff;
            if (current == ':') {
                return position;
            } else if (isWhitespace(current)) {
                while (position < end && isWhitespace(bytes[position] & 0xff)) {
                    position++;
                }
                whitespace = true;
            } else if (current == '(') {
                position = afterComment(bytes, position, end);
            } else {
                if (name.length() > 0 && whitespace) {
                    name.append(' ');
                }
                while (position < end) {
                    int c = bytes[position] & 0xff;
                    if (c == ':' || isWhitespace(c) || c == '(') {
                        break;
                    }
                    name.append((char) c);
                    position++;
                }
                whitespace = false;
            }
        }
        return -1;
    }

    /** The index after the comment opening at {@code open} (nested, with quoted pairs), or {@code end}. */
    private static int afterComment(byte[] bytes, int open, int end) {
        int level = 1;
        boolean escaped = false;
        for (int i = open + 1; i < end; i++) {
            byte current = bytes[i];
            if (escaped) {
                escaped = false;
            } else if (current == '\\') {
                escaped = true;
            } else if (current == '(') {
                level++;
            } else if (current == ')') {
                level--;
            }
            if (level <= 0) {
                return i + 1;
            }
        }
        return end;
    }

    private static int endOfLine(byte[] bytes, int from, int length) {
        for (int i = from; i < length; i++) {
            if (bytes[i] == '\n') {
                return i + 1;
            }
        }
        return length;
    }

    /** Empty once one LF and then one CR are taken off its end. */
    private static boolean isBlank(byte[] bytes, int from, int to) {
        int end = to;
        if (end > from && bytes[end - 1] == '\n') {
            end--;
        }
        if (end > from && bytes[end - 1] == '\r') {
            end--;
        }
        return end == from;
    }

    private static boolean isName(CharSequence name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c > 0x7e || !isNameChar((byte) c)) {
                return false;
            }
        }
        return true;
    }

    /** Printable US-ASCII but the colon. */
    private static boolean isNameChar(byte c) {
        return c >= 0x21 && c <= 0x7e && c != ':';
    }

    private static boolean isWhitespace(int c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }
}
