package org.postline.app.admin;

import java.util.List;

/**
 * A request that does not fit the grammar, names something that is not there, or stopped part-way; answered
 * as one error line after the lines of what was done before it stopped.
 */
final class RefusedRequest extends RuntimeException {

    private final List<String> doneBefore;

    RefusedRequest(String message) {
        this(message, List.of());
    }

    RefusedRequest(String message, List<String> doneBefore) {
        super(message);
        this.doneBefore = List.copyOf(doneBefore);
    }

    List<String> doneBefore() {
        return doneBefore;
    }
}
