package org.postline.api.queue;

import java.util.Optional;

/**
 * What the receiving session knew about the client, kept with the mail so the pipeline can decide on it
 * (relay rights, Received header, SMTPAuthSuccessful).
 */
public record SessionFacts(
        String remoteAddress,
        String remoteHost,
        String heloName,
        Optional<String> authUser,
        boolean tls,
        String listener) {

    /** For mail created inside the server (bounces, forwards) rather than received. */
    public static SessionFacts internal() {
        return new SessionFacts("127.0.0.1", "localhost", "localhost", Optional.empty(), false, "internal");
    }
}
