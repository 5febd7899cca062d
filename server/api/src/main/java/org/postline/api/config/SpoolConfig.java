package org.postline.api.config;

import java.time.Duration;

/**
 * How the spool is consumed.
 *
 * @param workers      concurrent pipeline workers
 * @param maxAttempts  a mail whose processing crashes this many times goes to the error repository
 * @param retryDelay   wait before a crashed mail is tried again
 * @param maxQueued    back-pressure bound: above it SMTP answers {@code 452 4.3.1}
 */
public record SpoolConfig(int workers, int maxAttempts, Duration retryDelay, int maxQueued) {
    public static SpoolConfig defaults() {
        return new SpoolConfig(8, 5, Duration.ofSeconds(30), 10_000);
    }
}
