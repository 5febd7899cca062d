package org.postline.app.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postline.api.config.ConfigException;

/**
 * What reading one file needs besides its elements: where it is (for messages), the home directory that
 * relative paths hang from, and the values of ${home}, ${var} and ${env:NAME} placeholders.
 */
final class ConfigContext {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");

    private final Path file;
    private final Path home;
    private final Function<String, String> environment;
    private Path varDirectory;

    ConfigContext(Path file, Path home, Map<String, String> environment) {
        this.file = file;
        this.home = home;
        this.environment = environment::get;
    }

    Path file() {
        return file;
    }

    Path varDirectory() {
        return varDirectory;
    }

    void varDirectory(Path var) {
        this.varDirectory = var;
    }

    ConfigException error(XmlElement element, String attribute, String problem) {
        return new ConfigException(file, element.line(), attribute == null ? element.setting() : element.setting(attribute), problem);
    }

    /** An attribute's value with placeholders replaced, if the attribute is present. */
    java.util.Optional<String> attribute(XmlElement element, String attribute) throws ConfigException {
        java.util.Optional<String> raw = element.attribute(attribute);
        return raw.isEmpty() ? raw : java.util.Optional.of(expand(raw.get(), element, attribute));
    }

    /** An attribute parsed by {@code parser}; its IllegalArgumentException becomes a ConfigException. */
    <T> java.util.Optional<T> value(XmlElement element, String attribute, Function<String, T> parser) throws ConfigException {
        java.util.Optional<String> raw = attribute(element, attribute);
        if (raw.isEmpty()) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(parser.apply(raw.get().trim()));
        } catch (IllegalArgumentException e) {
            throw error(element, attribute, e.getMessage());
        }
    }

    /** A whole-number attribute (the schema has checked its syntax and range). */
    java.util.Optional<Integer> integer(XmlElement element, String attribute) throws ConfigException {
        return value(element, attribute, v -> Integer.parseInt(v.startsWith("+") ? v.substring(1) : v));
    }

    /** The element's text with placeholders replaced. */
    String text(XmlElement element) throws ConfigException {
        return expand(element.text(), element, null);
    }

    /** A path attribute resolved against the home directory. */
    java.util.Optional<Path> path(XmlElement element, String attribute) throws ConfigException {
        java.util.Optional<String> value = attribute(element, attribute);
        return value.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(resolve(value.get()));
    }

    Path resolve(String value) {
        Path path = Path.of(value);
        return (path.isAbsolute() ? path : home.resolve(path)).normalize();
    }

    /** A file that must exist and be readable now. */
    Path readableFile(XmlElement element, String attribute) throws ConfigException {
        Path path = path(element, attribute).orElseThrow();
        if (!Files.isRegularFile(path)) {
            throw error(element, attribute, path + " does not exist or is not a file");
        }
        if (!Files.isReadable(path)) {
            throw error(element, attribute, path + " is not readable by this user");
        }
        return path;
    }

    private String expand(String value, XmlElement element, String attribute) throws ConfigException {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String replacement;
            if (name.equals("home")) {
                replacement = home.toString();
            } else if (name.equals("var") && varDirectory != null) {
                replacement = varDirectory.toString();
            } else if (name.startsWith("env:")) {
                replacement = environment.apply(name.substring(4));
                if (replacement == null) {
                    throw error(element, attribute, "environment variable " + name.substring(4) + " is not set");
                }
            } else {
                throw error(element, attribute, "unknown placeholder ${" + name + "}; known: ${home}, ${var}, ${env:NAME}");
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
