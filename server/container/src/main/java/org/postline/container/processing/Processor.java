package org.postline.container.processing;

import java.util.List;

/** A named, ordered list of (matcher, mailet) pairs; a mail whose state is {@code state} runs through it. */
public record Processor(String state, List<MatcherMailetPair> pairs) {
    public Processor {
        pairs = List.copyOf(pairs);
    }
}
