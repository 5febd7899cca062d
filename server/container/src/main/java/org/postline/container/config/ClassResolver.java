package org.postline.container.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds mailet and matcher classes by the names written in the XML. A short name is tried in Postline's
 * packages, then James's, then as written; a dotted name only as written, except James's composite matcher
 * classes, which are aliases for ours so a James pipeline carries over.
 */
public final class ClassResolver {

    public enum Kind {
        MAILET("mailet", List.of("org.postline.mailets.", "org.postline.mailets.mime.", "org.postline.container.mailets.",
                "org.apache.james.transport.mailets.")),
        MATCHER("matcher", List.of("org.postline.matchers.", "org.postline.container.matchers.",
                "org.apache.james.transport.matchers."));

        private final String word;
        private final List<String> packages;

        Kind(String word, List<String> packages) {
            this.word = word;
            this.packages = packages;
        }

        public String word() {
            return word;
        }
    }

    private static final Map<String, String> JAMES_ALIASES = Map.of(
            "org.apache.james.mailetcontainer.impl.matchers.And", "org.postline.container.matchers.And",
            "org.apache.james.mailetcontainer.impl.matchers.Or", "org.postline.container.matchers.Or",
            "org.apache.james.mailetcontainer.impl.matchers.Not", "org.postline.container.matchers.Not",
            "org.apache.james.mailetcontainer.impl.matchers.Xor", "org.postline.container.matchers.Xor");

    private final ClassLoader loader;

    public ClassResolver(ClassLoader loader) {
        this.loader = loader;
    }

    /** The outcome of a lookup: the class, or every name that was tried. */
    public record Resolution(Optional<Class<?>> found, List<String> tried, Optional<Throwable> brokenClass) {
    }

    public Resolution resolve(String name, Kind kind) {
        String written = JAMES_ALIASES.getOrDefault(name, name);
        List<String> candidates = new ArrayList<>();
        if (!written.contains(".")) {
            kind.packages.forEach(p -> candidates.add(p + written));
        }
        candidates.add(written);
        List<String> tried = new ArrayList<>();
        for (String candidate : candidates) {
            tried.add(candidate);
            try {
                return new Resolution(Optional.of(Class.forName(candidate, false, loader)), tried, Optional.empty());
            } catch (ClassNotFoundException e) {
                // try the next place
            } catch (LinkageError e) {
                // the class exists but cannot be loaded (a missing dependency, a name differing only in case)
                return new Resolution(Optional.empty(), tried, Optional.of(e));
            }
        }
        return new Resolution(Optional.empty(), tried, Optional.empty());
    }
}
