package org.postline.api.config;

import java.time.Duration;

/**
 * The limits one listener enforces; every one is configurable and has a safe default.
 *
 * @param maxMessageSize      bytes; advertised as SIZE and enforced during DATA/APPEND
 * @param maxLineLength       bytes of one command or data line, CRLF included
 * @param maxRecipients       recipients per SMTP transaction; beyond it {@code 452 4.5.3}
 * @param maxConnections      open connections on this listener
 * @param maxConnectionsPerIp open connections from one address
 * @param idleTimeout         a connection silent this long is closed
 * @param maxBadCommands      unknown or malformed commands before the connection is closed
 * @param authFailureDelay    pause before answering a failed authentication
 * @param maxAuthFailures     failed authentications before the connection is closed
 */
public record ListenerLimits(
        long maxMessageSize,
        int maxLineLength,
        int maxRecipients,
        int maxConnections,
        int maxConnectionsPerIp,
        Duration idleTimeout,
        int maxBadCommands,
        Duration authFailureDelay,
        int maxAuthFailures) {

    public static ListenerLimits defaults() {
        return new ListenerLimits(25L * 1024 * 1024, 4096, 100, 1000, 50,
                Duration.ofMinutes(5), 10, Duration.ofSeconds(2), 3);
    }
}
