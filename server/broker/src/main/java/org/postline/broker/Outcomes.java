package org.postline.broker;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.postline.api.queue.Envelope;

/**
 * What the worker decided for each mail being processed on this node: completed, or released for a retry.
 * The consuming route acknowledges the broker's message only once a decision is recorded, so a mail whose
 * worker neither completed nor released it is rolled back to the broker and delivered again.
 */
final class Outcomes {

    sealed interface Outcome permits Completed, Released {
    }

    record Completed() implements Outcome {
    }

    /** @param envelope the new envelope, if the worker changed it (remote delivery drops done recipients) */
    record Released(Optional<Envelope> envelope, String reason, long delayMillis) implements Outcome {
    }

    private static final Outcome PENDING = new Completed();

    private final Map<String, Outcome> byId = new ConcurrentHashMap<>();

    void start(String id) {
        byId.put(id, PENDING);
    }

    /** @return false if the mail is not being processed on this node */
    boolean record(String id, Outcome outcome) {
        return byId.replace(id, outcome) != null;
    }

    /** The decision, removed; empty if none was recorded. */
    Optional<Outcome> finish(String id) {
        Outcome outcome = byId.remove(id);
        return outcome == null || outcome == PENDING ? Optional.empty() : Optional.of(outcome);
    }
}
