package org.postline.api.queue;

import java.time.Instant;

/**
 * A mail held in the spool or a repository: its id there, envelope, size of content in bytes, when it
 * was stored, how many processing attempts have failed, and the last failure's reason (empty if none).
 */
public record SpooledMail(String id, Envelope envelope, long size, Instant stored, int failedAttempts, String lastFailure) {
}
