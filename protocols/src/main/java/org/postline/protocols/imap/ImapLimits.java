package org.postline.protocols.imap;

import java.time.Duration;

/**
 * The IMAP-only limits, on top of the listener's {@link org.postline.api.config.ListenerLimits}.
 *
 * @param literalSizeBeforeLogin  the largest literal accepted before authentication (CVE-2024-37358: James
 *                                3.8.1 accepts any size); a whole command before login may hold this many
 *                                literal bytes
 * @param maxLiteralsPerCommand   literals one command may carry
 * @param minAuthenticatedIdle    the idle timeout of an authenticated session is never shorter than this
 *                                (RFC 3501 §5.4 asks for at least 30 minutes; clients re-issue IDLE every 29)
 */
public record ImapLimits(int literalSizeBeforeLogin, int maxLiteralsPerCommand, Duration minAuthenticatedIdle) {

    public ImapLimits {
        if (literalSizeBeforeLogin < 0) {
            throw new IllegalArgumentException("literalSizeBeforeLogin must not be negative");
        }
        if (maxLiteralsPerCommand < 1) {
            throw new IllegalArgumentException("maxLiteralsPerCommand must be at least 1");
        }
        if (minAuthenticatedIdle.isNegative()) {
            throw new IllegalArgumentException("minAuthenticatedIdle must not be negative");
        }
    }

    /** 64 KiB before login, 64 literals per command, 30 minutes. */
    public static ImapLimits defaults() {
        return new ImapLimits(64 * 1024, 64, Duration.ofMinutes(30));
    }
}
