package org.postline.app.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postline.api.config.ConfigException;
import org.postline.app.config.ValidatingXmlReader.Problem;

/**
 * Turns the JDK validator's "cvc-..." messages into one line a mail administrator can act on. The validator
 * reports a bad value twice (the facet that failed, then which attribute or element held it); both are combined.
 */
final class SchemaMessages {

    private static final Pattern UNEXPECTED_ELEMENT =
            Pattern.compile("cvc-complex-type\\.2\\.4\\.[ad]: Invalid content was found starting with element '([^']+)'\\.(?: One of '\\{(.*)\\}' is expected\\.)?.*");
    private static final Pattern INCOMPLETE =
            Pattern.compile("cvc-complex-type\\.2\\.4\\.[bc]: The content of element '([^']+)' is not complete\\. One of '\\{(.*)\\}' is expected\\..*");
    private static final Pattern UNKNOWN_ATTRIBUTE =
            Pattern.compile("cvc-complex-type\\.3\\.2\\.2: Attribute '([^']+)' is not allowed to appear in element '([^']+)'\\..*");
    private static final Pattern MISSING_ATTRIBUTE =
            Pattern.compile("cvc-complex-type\\.4: Attribute '([^']+)' must appear on element '([^']+)'\\..*");
    private static final Pattern NO_CONTENT =
            Pattern.compile("cvc-complex-type\\.2\\.1: Element '([^']+)' must have no character or element.*");
    private static final Pattern NO_TEXT =
            Pattern.compile("cvc-complex-type\\.2\\.3: Element '([^']+)' cannot have character.*");
    private static final Pattern BAD_ATTRIBUTE_VALUE =
            Pattern.compile("cvc-attribute\\.3: The value '(.*)' of attribute '([^']+)' on element '([^']+)' is not valid with respect to its type, '([^']+)'\\..*");
    private static final Pattern BAD_ELEMENT_VALUE =
            Pattern.compile("cvc-type\\.3\\.1\\.3: The value '(.*)' of element '([^']+)' is not valid\\..*");
    private static final Pattern FACET_TYPE = Pattern.compile(".* for type '([^']+)'\\..*");
    private static final Pattern DATATYPE = Pattern.compile("cvc-datatype-valid\\.1\\.2\\.1: '.*' is not a valid value for '([^']+)'\\..*");
    private static final Pattern UNKNOWN_ROOT = Pattern.compile("cvc-elt\\.1\\.a: Cannot find the declaration of element '([^']+)'\\..*");

    /** What each named simple type of postline.xsd accepts, in words. */
    private static final Map<String, String> EXPECTED = Map.ofEntries(
            Map.entry("portNumber", "a port number (0-65535)"),
            Map.entry("positiveCount", "a whole number of at least 1"),
            Map.entry("duration", "a duration such as 500ms, 30s, 5m, 1h or 2d"),
            Map.entry("byteSize", "a size in bytes such as 65536, 512K, 25M or 1G"),
            Map.entry("tlsMode", "one of none, starttls, implicit"),
            Map.entry("authPolicy", "one of optional, required"),
            Map.entry("bodyStorage", "one of files, database"),
            Map.entry("keystoreType", "one of PKCS12, JKS"),
            Map.entry("boolean", "true or false"),
            Map.entry("listenerName", "a name of letters, digits, '.', '_' and '-'"),
            Map.entry("int", "a whole number"),
            Map.entry("integer", "a whole number"));

    private SchemaMessages() {
    }

    static ConfigException toConfigException(Path file, List<Problem> problems) {
        Problem first = problems.get(0);
        String message = text(first);
        int line = first.error().getLineNumber();
        Matcher m;
        if ((m = UNEXPECTED_ELEMENT.matcher(message)).matches()) {
            String problem = first.repeatedElement()
                    ? "element <" + m.group(1) + "> may appear only once here"
                    : "unknown element <" + m.group(1) + "> here" + expected(m.group(2));
            return new ConfigException(file, line, first.elementPath(), problem);
        }
        if ((m = INCOMPLETE.matcher(message)).matches()) {
            return new ConfigException(file, line, first.elementPath(), "incomplete" + expected(m.group(2)));
        }
        if ((m = UNKNOWN_ATTRIBUTE.matcher(message)).matches()) {
            return new ConfigException(file, line, setting(first, m.group(1)), "unknown attribute");
        }
        if ((m = MISSING_ATTRIBUTE.matcher(message)).matches()) {
            return new ConfigException(file, line, setting(first, m.group(1)), "required but missing");
        }
        if (NO_CONTENT.matcher(message).matches()) {
            return new ConfigException(file, line, setting(first, null), "takes attributes only, no text or child elements");
        }
        if (NO_TEXT.matcher(message).matches()) {
            return new ConfigException(file, line, setting(first, null), "text is not allowed here, only child elements");
        }
        if ((m = UNKNOWN_ROOT.matcher(message)).matches()) {
            return new ConfigException(file, line, m.group(1), "the root element must be <postline>");
        }
        // A bad value: the facet message comes first, then the one naming the attribute or element.
        String type = typeOf(message);
        for (Problem next : problems.subList(1, Math.min(problems.size(), 3))) {
            String nextText = text(next);
            if ((m = BAD_ATTRIBUTE_VALUE.matcher(nextText)).matches()) {
                return badValue(file, next.error().getLineNumber(), setting(next, m.group(2)), m.group(1), m.group(4));
            }
            if ((m = BAD_ELEMENT_VALUE.matcher(nextText)).matches()) {
                return badValue(file, next.error().getLineNumber(), setting(next, null), m.group(1), type);
            }
        }
        if ((m = BAD_ATTRIBUTE_VALUE.matcher(message)).matches()) {
            return badValue(file, line, setting(first, m.group(2)), m.group(1), m.group(4));
        }
        return new ConfigException(file, line, setting(first, null), message.replaceFirst("^cvc-[\\w.-]+: ", ""));
    }

    private static ConfigException badValue(Path file, int line, String setting, String value, String type) {
        if (value.isBlank()) {
            return new ConfigException(file, line, setting, "a value is required");
        }
        String expected = type == null ? null : EXPECTED.get(type);
        return new ConfigException(file, line, setting,
                "\"" + value + "\" is not " + (expected == null ? "a valid value" : expected));
    }

    private static String typeOf(String facetMessage) {
        Matcher m = DATATYPE.matcher(facetMessage);
        if (m.matches()) {
            return m.group(1);
        }
        m = FACET_TYPE.matcher(facetMessage);
        return m.matches() ? m.group(1) : null;
    }

    private static String expected(String list) {
        return list == null || list.isBlank() ? "" : "; expected one of: " + list.replace("\"\":", "");
    }

    private static String setting(Problem problem, String attribute) {
        String path = problem.elementPath();
        if (attribute == null) {
            return path.isEmpty() ? "postline" : path;
        }
        return path.isEmpty() ? attribute : path + "/" + attribute;
    }

    private static String text(Problem problem) {
        String message = problem.error().getMessage();
        return message == null ? "" : message.replace('\n', ' ');
    }
}
