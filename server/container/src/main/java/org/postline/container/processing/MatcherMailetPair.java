package org.postline.container.processing;

import org.apache.mailet.Mailet;
import org.apache.mailet.Matcher;

/**
 * One step of a processor.
 *
 * @param where where the pair was configured, for logs and error messages, e.g. {@code transport#3 RemoveMimeHeader (mailetcontainer.xml:42)}
 */
public record MatcherMailetPair(Matcher matcher, Mailet mailet, MatchFailurePolicy onMatchException,
                                MailetFailurePolicy onMailetException, String where) {
}
