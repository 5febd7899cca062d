package org.postline.app.admin;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * One admin command: its words ({@code ["user", "add", "alice@example.org"]}) and, for commands that set a
 * password, the password as a char array so it can be wiped after use. {@link #toString()} never shows it.
 */
public final class AdminRequest {

    private final List<String> words;
    private final char[] secret;

    public AdminRequest(List<String> words, Optional<char[]> secret) {
        this.words = List.copyOf(words);
        this.secret = secret.orElse(null);
    }

    public static AdminRequest of(String... words) {
        return new AdminRequest(List.of(words), Optional.empty());
    }

    public List<String> words() {
        return words;
    }

    public Optional<char[]> secret() {
        return Optional.ofNullable(secret);
    }

    /** Overwrites the password in memory; call when the request has been carried out or sent. */
    public void wipe() {
        if (secret != null) {
            Arrays.fill(secret, '\0');
        }
    }

    @Override
    public String toString() {
        return String.join(" ", words) + (secret == null ? "" : " <password>");
    }
}
