package org.postline.mailbox.jdbc;

import java.util.ArrayList;
import java.util.List;

import org.apache.james.mailbox.store.mail.model.Property;

/**
 * MIME properties as text, one property a line: namespace, local name and value separated by tabs,
 * with backslash escapes for backslash, tab, CR and LF. Order and duplicates are kept.
 */
final class PropertiesCodec {

    private PropertiesCodec() {
    }

    static String encode(List<Property> properties) {
        StringBuilder out = new StringBuilder();
        for (Property property : properties) {
            escape(property.getNamespace(), out);
            out.append('\t');
            escape(property.getLocalName(), out);
            out.append('\t');
            escape(property.getValue(), out);
            out.append('\n');
        }
        return out.toString();
    }

    static List<Property> decode(String encoded) {
        List<Property> properties = new ArrayList<>();
        if (encoded == null || encoded.isEmpty()) {
            return properties;
        }
        for (String line : encoded.split("\n", -1)) {
            if (line.isEmpty()) {
                continue;
            }
            String[] fields = line.split("\t", -1);
            if (fields.length != 3) {
                throw new IllegalStateException("Corrupt stored message property: " + line);
            }
            properties.add(new Property(unescape(fields[0]), unescape(fields[1]), unescape(fields[2])));
        }
        return properties;
    }

    private static void escape(String value, StringBuilder out) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                default -> out.append(c);
            }
        }
    }

    private static String unescape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char next = value.charAt(++i);
                out.append(switch (next) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> next;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
