package org.postline.app.admin;

import java.util.List;
import java.util.Optional;

/**
 * What an admin command answered: lines to print, then success or an error fit to show as one line.
 */
public record AdminResponse(List<String> lines, Optional<String> error) {

    public AdminResponse {
        lines = List.copyOf(lines);
    }

    public static AdminResponse ok(List<String> lines) {
        return new AdminResponse(lines, Optional.empty());
    }

    public static AdminResponse failed(String error) {
        return new AdminResponse(List.of(), Optional.of(error));
    }

    public boolean succeeded() {
        return error.isEmpty();
    }
}
