package org.postline.container.auth;

import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

/**
 * Puts a header field on top of a message, where trace fields belong (RFC 5321 section 4.4, RFC 8601
 * section 2.1); JavaMail itself only appends. The other fields keep their order and their exact text.
 */
public final class TraceHeaders {

    private TraceHeaders() {
    }

    /** @param field the whole field, {@code Name: value}, folded with CRLF + whitespace where long */
    public static void prepend(MimeMessage message, String field) throws MessagingException {
        prepend(message, field, line -> false);
    }

    /** Puts {@code field} on top and leaves out the existing fields (whole lines, as read) that {@code drop} picks. */
    public static void prepend(MimeMessage message, String field, Predicate<String> drop) throws MessagingException {
        List<String> lines = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (Enumeration<String> e = message.getAllHeaderLines(); e.hasMoreElements(); ) {
            String line = e.nextElement();
            lines.add(line);
            int colon = line.indexOf(':');
            if (colon > 0) {
                names.add(line.substring(0, colon).trim());
            }
        }
        for (String name : names) {
            message.removeHeader(name);
        }
        message.addHeaderLine(field);
        for (String line : lines) {
            if (!drop.test(line)) {
                message.addHeaderLine(line);
            }
        }
    }

    /** Folds a header between the given parts so that lines stay within about 78 characters. */
    public static String fold(String name, List<String> parts) {
        StringBuilder out = new StringBuilder(name).append(':');
        int lineLength = out.length();
        for (int i = 0; i < parts.size(); i++) {
            String part = parts.get(i);
            if (i > 0 && lineLength + 1 + part.length() > 78) {
                out.append("\r\n\t");
                lineLength = 8;
            } else {
                out.append(' ');
                lineLength++;
            }
            out.append(part);
            lineLength += part.length();
        }
        return out.toString();
    }
}
