package org.postline.container.matchers;

import java.util.List;
import org.apache.mailet.Matcher;

/**
 * A matcher built from nested {@code <matcher>} elements. The container adds the children (already
 * initialised) after {@link Matcher#init}; James's own composite class names map onto these.
 */
public interface CompositeMatcher extends Matcher {

    void add(Matcher child);

    List<Matcher> children();
}
