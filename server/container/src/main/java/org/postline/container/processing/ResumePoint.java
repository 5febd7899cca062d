package org.postline.container.processing;

import java.util.Optional;

/**
 * Where a deferred mail picks up again: the pair at {@code pair} (0-based) of processor {@code state}, which
 * must still be the pair described by {@code where} (its configuration spot), else the processor starts over.
 */
public record ResumePoint(String state, int pair, String where) {

    /** The form kept in the mail's envelope across a restart: {@code pair SP where}, the state being the mail's. */
    public String encode() {
        return pair + " " + where;
    }

    public static Optional<ResumePoint> decode(String state, String encoded) {
        int space = encoded == null ? -1 : encoded.indexOf(' ');
        if (space <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ResumePoint(state, Integer.parseInt(encoded.substring(0, space)),
                    encoded.substring(space + 1)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
