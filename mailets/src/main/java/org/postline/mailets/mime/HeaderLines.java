package org.postline.mailets.mime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.apache.james.mime4j.codec.EncoderUtil;

/** Writing new header fields: RFC 2047 encoding when the value is not ASCII, folding at spaces, no injection. */
public final class HeaderLines {

    private static final int FOLD_AT = 76;

    private HeaderLines() {
    }

    /** The field "Name: value" with its line break, the value encoded and folded as needed. */
    public static byte[] field(String name, String value, byte[] lineBreak) {
        String encoded = EncoderUtil.encodeIfNecessary(value, EncoderUtil.Usage.TEXT_TOKEN, name.length() + 2);
        return folded(name, encoded, lineBreak);
    }

    /** The field "Name: value" with its line break, folded before spaces as needed; the value is not encoded. */
    static byte[] folded(String name, String encoded, byte[] lineBreak) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(name.length() + encoded.length() + 16);
        StringBuilder line = new StringBuilder(name).append(':');
        String[] words = encoded.split(" ", -1);
        for (int i = 0; i < words.length; i++) {
            if (line.length() + 1 + words[i].length() > FOLD_AT && !line.toString().endsWith(":")) {
                out.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
                out.writeBytes(lineBreak);
                line.setLength(0);
            }
            line.append(' ').append(words[i]);
        }
        out.writeBytes(line.toString().getBytes(StandardCharsets.UTF_8));
        out.writeBytes(lineBreak);
        return out.toByteArray();
    }

    /** A header field name: printable ASCII without colon or space (RFC 5322 section 2.2). */
    public static void checkName(String what, String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException(what + ": no header name");
        }
        for (char c : name.toCharArray()) {
            if (c <= 32 || c >= 127 || c == ':') {
                throw new IllegalArgumentException(what + ": \"" + printable(name) + "\" is not a header name"
                        + " (printable ASCII without spaces or colons)");
            }
        }
    }

    /** Refuses CR, LF and other control characters (TAB aside) in text that goes into a header. */
    public static void checkValue(String what, String value) {
        for (char c : value.toCharArray()) {
            if (c == '\r' || c == '\n') {
                throw new IllegalArgumentException(what + ": the value contains a line break (CR or LF);"
                        + " refused, it would inject header fields");
            }
            if (c < 32 && c != '\t' || c == 127) {
                throw new IllegalArgumentException(what + ": the value contains control character U+"
                        + String.format("%04X", (int) c));
            }
        }
    }

    private static String printable(String text) {
        return text.replaceAll("\\p{Cntrl}", "?");
    }
}
