package org.postline.app.admin;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.postline.api.config.ConfigException;
import org.postline.container.config.ContainerConfig;
import org.postline.container.config.ContainerConfigReader;

/**
 * The processors a mail may be reprocessed into: those of the running pipeline, those written in the pipeline
 * file when no server runs, or unknown (then any name is accepted and the pipeline sends a mail for a missing
 * processor to {@code error} when it runs).
 *
 * @param names  empty when unknown
 * @param source where the names come from, for messages: "the running pipeline" or the file
 */
public record KnownProcessors(Optional<Set<String>> names, String source) {

    public KnownProcessors {
        names = names.map(Set::copyOf);
    }

    public static KnownProcessors of(Set<String> names, String source) {
        return new KnownProcessors(Optional.of(names), source);
    }

    public static KnownProcessors unknown() {
        return new KnownProcessors(Optional.empty(), "nowhere");
    }

    /**
     * The processors declared in a pipeline file. Reading it checks its shape only and loads no class, so it is
     * cheap; a missing or broken file leaves the names unknown (the server refuses to start with it anyway).
     */
    public static KnownProcessors fromPipelineFile(Path file) {
        if (!Files.isRegularFile(file)) {
            return unknown();
        }
        try {
            ContainerConfig pipeline = ContainerConfigReader.read(file);
            Set<String> states = new TreeSet<>();
            pipeline.processors().forEach(p -> states.add(p.state()));
            return of(states, file.toString());
        } catch (ConfigException | RuntimeException e) {
            return unknown();
        }
    }

    /** True when the processor exists, or when that cannot be known. */
    public boolean admits(String state) {
        return names.map(known -> known.contains(state)).orElse(true);
    }

    /** "no processor 'x' in the running pipeline (processors: error, root, transport)". */
    String refusal(String state) {
        return "no processor '" + state + "' in " + source + " (processors: "
                + String.join(", ", new TreeSet<>(names.orElse(Set.of()))) + ")";
    }
}
