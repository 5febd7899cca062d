package org.postline.container.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** One element of the configuration file, with the line it starts on (for error messages). */
public final class XmlElement {

    private final String name;
    private final int line;
    private final Map<String, String> attributes;
    private final List<XmlElement> children = new ArrayList<>();
    private final StringBuilder text = new StringBuilder();

    XmlElement(String name, int line, Map<String, String> attributes) {
        this.name = name;
        this.line = line;
        this.attributes = new LinkedHashMap<>(attributes);
    }

    public String name() {
        return name;
    }

    public int line() {
        return line;
    }

    public Map<String, String> attributes() {
        return Map.copyOf(attributes);
    }

    public Optional<String> attribute(String key) {
        return Optional.ofNullable(attributes.get(key));
    }

    public List<XmlElement> children() {
        return List.copyOf(children);
    }

    public List<XmlElement> children(String childName) {
        return children.stream().filter(c -> c.name.equals(childName)).toList();
    }

    /** The element's own text, trimmed. */
    public String text() {
        return text.toString().trim();
    }

    void add(XmlElement child) {
        children.add(child);
    }

    void appendText(char[] chars, int start, int length) {
        text.append(chars, start, length);
    }
}
