package org.postline.container.config;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@code mailetcontainer.xml} read and checked for shape, before any class is loaded.
 *
 * @param threads         {@code spooler/threads}, when given (overrides the worker count of postline.xml)
 * @param errorRepository repository for mail the pipeline cannot process ({@code spooler/errorRepository}, default {@code error})
 */
public record ContainerConfig(Path file, Optional<String> postmaster, OptionalInt threads, String errorRepository,
                              List<ProcessorConfig> processors) {

    public ContainerConfig {
        processors = List.copyOf(processors);
    }

    /** One {@code <processor state=...>}. */
    public record ProcessorConfig(String state, int line, List<MatcherConfigEntry> namedMatchers,
                                  List<MailetConfigEntry> mailets) {
        public ProcessorConfig {
            namedMatchers = List.copyOf(namedMatchers);
            mailets = List.copyOf(mailets);
        }
    }

    /**
     * A {@code <matcher>}: named when declared in a processor, anonymous when nested in a composite.
     *
     * @param match    {@code Name=condition}, the text of {@code match} or {@code notmatch}
     * @param inverted given as {@code notmatch}
     */
    public record MatcherConfigEntry(Optional<String> name, String match, boolean inverted, int line,
                                     List<MatcherConfigEntry> children) {
        public MatcherConfigEntry {
            children = List.copyOf(children);
        }
    }

    /**
     * A {@code <mailet>}.
     *
     * @param match      {@code Name=condition}; empty means {@code All}
     * @param inverted   given as {@code notmatch}
     * @param parameters init parameters in file order (repeats comma-joined), including the exception policies
     * @param setting    where it is, for messages: {@code processor[transport]/mailet[3]}
     */
    public record MailetConfigEntry(String className, Optional<String> match, boolean inverted,
                                    Map<String, String> parameters, int line, String setting) {
        public MailetConfigEntry {
            parameters = Collections.unmodifiableMap(new LinkedHashMap<>(parameters));
        }
    }
}
