package org.postline.app.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One element of a validated configuration file, with the line it started on so later checks can point at it.
 *
 * @param path       slash-separated names from below the root, e.g. {@code listeners/smtp}; used as the setting name
 * @param attributes in document order
 * @param text       the trimmed character content (empty for element-only content)
 */
public record XmlElement(String name, String path, int line, Map<String, String> attributes, String text,
                         List<XmlElement> children) {

    public XmlElement {
        attributes = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(attributes));
        children = List.copyOf(children);
    }

    public Optional<String> attribute(String attributeName) {
        return Optional.ofNullable(attributes.get(attributeName));
    }

    public Optional<XmlElement> child(String childName) {
        return children.stream().filter(c -> c.name.equals(childName)).findFirst();
    }

    public List<XmlElement> children(String childName) {
        return children.stream().filter(c -> c.name.equals(childName)).toList();
    }

    /** The setting name of one attribute, as error messages show it: {@code listeners/smtp/port}. */
    public String setting(String attributeName) {
        return path.isEmpty() ? attributeName : path + "/" + attributeName;
    }

    /** The setting name of this element itself. */
    public String setting() {
        return path.isEmpty() ? name : path;
    }
}
