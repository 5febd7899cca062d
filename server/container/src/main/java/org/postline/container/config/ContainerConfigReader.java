package org.postline.container.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.apache.mailet.Mail;
import org.postline.api.config.ConfigException;
import org.postline.container.config.ContainerConfig.MailetConfigEntry;
import org.postline.container.config.ContainerConfig.MatcherConfigEntry;
import org.postline.container.config.ContainerConfig.ProcessorConfig;

/**
 * Reads {@code mailetcontainer.xml} (James's vocabulary) and rejects every element, attribute or value it
 * does not know, naming file, line and setting. Class names are checked later, by {@link PipelineFactory}.
 */
public final class ContainerConfigReader {

    public static final String ON_MAILET_EXCEPTION = "onMailetException";
    public static final String ON_MATCH_EXCEPTION = "onMatchException";
    private static final String MISSPELT_ON_MATCH_EXCEPTION = "onMatcherException";

    private final Path file;

    private ContainerConfigReader(Path file) {
        this.file = file;
    }

    public static ContainerConfig read(Path file) throws ConfigException {
        return new ContainerConfigReader(file).read(XmlReader.read(file));
    }

    private ContainerConfig read(XmlElement root) throws ConfigException {
        if (!root.name().equals("mailetcontainer")) {
            throw error(root, root.name(), "the root element must be <mailetcontainer>");
        }
        allowAttributes(root, "mailetcontainer", "enableJmx");
        allowChildren(root, "mailetcontainer", "context", "spooler", "processors");
        Optional<String> postmaster = Optional.empty();
        for (XmlElement context : single(root, "context")) {
            allowAttributes(context, "context");
            allowChildren(context, "context", "postmaster");
            for (XmlElement pm : single(context, "postmaster")) {
                postmaster = Optional.of(textOf(pm, "context/postmaster"));
            }
        }
        OptionalInt threads = OptionalInt.empty();
        String errorRepository = Mail.ERROR;
        for (XmlElement spooler : single(root, "spooler")) {
            allowAttributes(spooler, "spooler");
            allowChildren(spooler, "spooler", "threads", "errorRepository");
            for (XmlElement t : single(spooler, "threads")) {
                threads = OptionalInt.of(positiveInt(t, "spooler/threads"));
            }
            for (XmlElement r : single(spooler, "errorRepository")) {
                errorRepository = repositoryName(textOf(r, "spooler/errorRepository"));
            }
        }
        List<XmlElement> processorsElements = single(root, "processors");
        if (processorsElements.isEmpty()) {
            throw error(root, "processors", "missing <processors>: at least the 'root' and 'error' processors are needed");
        }
        XmlElement processorsElement = processorsElements.get(0);
        allowAttributes(processorsElement, "processors");
        allowChildren(processorsElement, "processors", "processor");
        List<ProcessorConfig> processors = new ArrayList<>();
        Set<String> states = new HashSet<>();
        for (XmlElement p : processorsElement.children()) {
            ProcessorConfig processor = processor(p);
            if (!states.add(processor.state())) {
                throw error(p, "processor[" + processor.state() + "]", "a second processor with state '"
                        + processor.state() + "'; each state may appear once");
            }
            processors.add(processor);
        }
        for (String required : List.of(Mail.DEFAULT, Mail.ERROR)) {
            if (!states.contains(required)) {
                throw error(processorsElement, "processors", "missing <processor state=\"" + required
                        + "\">: the '" + required + "' processor is required");
            }
        }
        return new ContainerConfig(file, postmaster, threads, errorRepository, processors);
    }

    private ProcessorConfig processor(XmlElement p) throws ConfigException {
        allowAttributes(p, "processor", "state", "enableJmx");
        String state = p.attribute("state").map(String::trim)
                .orElseThrow(() -> error(p, "processor", "missing attribute state=\"...\""));
        String setting = "processor[" + state + "]";
        if (state.isEmpty()) {
            throw error(p, "processor", "state must not be empty");
        }
        if (state.equals(Mail.GHOST)) {
            throw error(p, setting, "'ghost' is reserved for mail that is done; it cannot be a processor");
        }
        allowChildren(p, setting, "matcher", "mailet");
        List<MatcherConfigEntry> named = new ArrayList<>();
        Set<String> names = new HashSet<>();
        List<MailetConfigEntry> mailets = new ArrayList<>();
        for (XmlElement child : p.children()) {
            if (child.name().equals("matcher")) {
                MatcherConfigEntry matcher = matcher(child, setting, true);
                if (!names.add(matcher.name().orElseThrow())) {
                    throw error(child, setting + "/matcher[" + matcher.name().get() + "]",
                            "a second matcher named '" + matcher.name().get() + "' in this processor");
                }
                named.add(matcher);
            } else {
                mailets.add(mailet(child, setting + "/mailet[" + (mailets.size() + 1) + "]"));
            }
        }
        return new ProcessorConfig(state, p.line(), named, mailets);
    }

    private MatcherConfigEntry matcher(XmlElement m, String parent, boolean mustBeNamed) throws ConfigException {
        allowAttributes(m, parent + "/matcher", "name", "match", "notmatch");
        Optional<String> name = m.attribute("name").map(String::trim);
        String setting = parent + "/matcher" + name.map(n -> "[" + n + "]").orElse("");
        if (mustBeNamed && name.isEmpty()) {
            throw error(m, setting, "a matcher declared in a processor needs name=\"...\" so mailets can use it in match=");
        }
        if (name.isPresent() && name.get().isEmpty()) {
            throw error(m, setting, "name must not be empty");
        }
        Optional<String> match = m.attribute("match");
        Optional<String> notmatch = m.attribute("notmatch");
        if (match.isPresent() && notmatch.isPresent()) {
            throw error(m, setting, "match and notmatch together; use one of them");
        }
        String condition = match.or(() -> notmatch)
                .orElseThrow(() -> error(m, setting, "missing match=\"...\" (or notmatch=\"...\")")).trim();
        if (condition.isEmpty()) {
            throw error(m, setting, "match must not be empty");
        }
        allowChildren(m, setting, "matcher");
        List<MatcherConfigEntry> children = new ArrayList<>();
        for (XmlElement child : m.children()) {
            children.add(matcher(child, setting, false));
        }
        return new MatcherConfigEntry(name, condition, notmatch.isPresent(), m.line(), children);
    }

    private MailetConfigEntry mailet(XmlElement m, String setting) throws ConfigException {
        allowAttributes(m, setting, "match", "notmatch", "class");
        String className = m.attribute("class").map(String::trim).filter(s -> !s.isEmpty())
                .orElseThrow(() -> error(m, setting, "missing class=\"...\" (the mailet to run)"));
        String where = setting + "(" + className + ")";
        Optional<String> match = m.attribute("match").map(String::trim);
        Optional<String> notmatch = m.attribute("notmatch").map(String::trim);
        if (match.isPresent() && notmatch.isPresent()) {
            throw error(m, where, "match and notmatch together; use one of them");
        }
        Optional<String> condition = match.or(() -> notmatch);
        if (condition.isPresent() && condition.get().isEmpty()) {
            throw error(m, where, "match must not be empty (leave it out to match all)");
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (XmlElement param : m.children()) {
            String key = param.name().replace("..", ".");
            if (key.equals(MISSPELT_ON_MATCH_EXCEPTION)) {
                throw error(param, where + "/" + key, "unknown setting; the spelling is <" + ON_MATCH_EXCEPTION
                        + "> (James documented onMatcherException but never read it)");
            }
            if (!param.attributes().isEmpty()) {
                throw error(param, where + "/" + key, "unknown attribute " + param.attributes().keySet().iterator().next()
                        + "; an init parameter is written <name>value</name>");
            }
            if (!param.children().isEmpty()) {
                throw error(param, where + "/" + key, "unexpected element <" + param.children().get(0).name()
                        + ">; an init parameter holds plain text");
            }
            checkLineBreaks(param, where + "/" + key, param.text());
            parameters.merge(key, param.text(), (a, b) -> a + "," + b);
        }
        checkPolicyValue(m, where, parameters, ON_MAILET_EXCEPTION);
        checkPolicyValue(m, where, parameters, ON_MATCH_EXCEPTION);
        return new MailetConfigEntry(className, condition, notmatch.isPresent(), parameters, m.line(), where);
    }

    /**
     * Mailets copy parameters into header fields and SMTP commands (a subject prefix, a header value, a HELO
     * name). A line break there followed by anything but indentation (a fold) would start a new header or
     * command, so only folded multi-line values are accepted, and no other control characters.
     */
    private void checkLineBreaks(XmlElement param, String setting, String value) throws ConfigException {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n') {
                int next = i + 1;
                while (next < value.length() && (value.charAt(next) == '\r' || value.charAt(next) == '\n')) {
                    next++;
                }
                if (next < value.length() && value.charAt(next) != ' ' && value.charAt(next) != '\t') {
                    throw error(param, setting, "a line break followed by text at the start of a line would inject a "
                            + "header field or command; indent continuation lines or keep the value on one line");
                }
                i = next - 1;
            } else if (c < 0x20 && c != '\t' || c == 0x7f) {
                throw error(param, setting, "control character U+%04X is not allowed in a parameter".formatted((int) c));
            }
        }
    }

    private void checkPolicyValue(XmlElement m, String where, Map<String, String> parameters, String key)
            throws ConfigException {
        String value = parameters.get(key);
        if (value != null && (value.isBlank() || value.contains(","))) {
            throw error(m, where + "/" + key, "needs exactly one value: ignore, propagate or a processor name, got \""
                    + value + "\"");
        }
    }

    private List<XmlElement> single(XmlElement parent, String childName) throws ConfigException {
        List<XmlElement> found = parent.children(childName);
        if (found.size() > 1) {
            throw error(found.get(1), parent.name() + "/" + childName, "appears more than once");
        }
        return found;
    }

    private String textOf(XmlElement e, String setting) throws ConfigException {
        allowAttributes(e, setting);
        allowChildren(e, setting);
        if (e.text().isEmpty()) {
            throw error(e, setting, "must not be empty");
        }
        return e.text();
    }

    private int positiveInt(XmlElement e, String setting) throws ConfigException {
        String text = textOf(e, setting);
        try {
            int value = Integer.parseInt(text);
            if (value > 0) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw error(e, setting, "\"" + text + "\" is not a positive whole number");
    }

    /** James writes repositories as URLs ({@code file://var/mail/error/}); Postline names them by the last segment. */
    public static String repositoryName(String value) {
        String v = value.trim();
        int scheme = v.indexOf("://");
        if (scheme >= 0) {
            v = v.substring(scheme + 3);
        }
        while (v.endsWith("/")) {
            v = v.substring(0, v.length() - 1);
        }
        int slash = v.lastIndexOf('/');
        return slash >= 0 ? v.substring(slash + 1) : v;
    }

    private void allowAttributes(XmlElement e, String setting, String... allowed) throws ConfigException {
        Set<String> ok = Set.of(allowed);
        for (String attribute : e.attributes().keySet()) {
            if (!ok.contains(attribute)) {
                String hint = attribute.equals("matcher") && ok.contains("match") ? " (did you mean match=?)" : "";
                throw error(e, setting, "unknown attribute " + attribute + "=" + hint + "; allowed here: "
                        + (allowed.length == 0 ? "none" : String.join(", ", allowed)));
            }
        }
    }

    private void allowChildren(XmlElement e, String setting, String... allowed) throws ConfigException {
        Set<String> ok = Set.of(allowed);
        for (XmlElement child : e.children()) {
            if (!ok.contains(child.name())) {
                throw error(child, setting, "unknown element <" + child.name() + ">; allowed here: "
                        + (allowed.length == 0 ? "none" : String.join(", ", allowed)));
            }
        }
    }

    private ConfigException error(XmlElement at, String setting, String problem) {
        return new ConfigException(file, at.line(), setting, problem);
    }
}
