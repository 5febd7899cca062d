package org.postline.broker;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.SpooledMail;
import org.postline.store.queue.EnvelopeCodec;

/**
 * A queued mail as a broker message: the envelope as the text body, the rest as properties. The content is
 * not in the message; it is a blob in the shared database under the mail's id.
 */
final class QueuedMessage {

    static final String ID = "postlineId";
    static final String SIZE = "postlineSize";
    static final String STORED = "postlineStoredMs";
    static final String ATTEMPTS = "postlineFailedAttempts";
    static final String FAILURE = "postlineLastFailure";
    /** Artemis holds a message with this property back until that epoch millisecond. */
    static final String SCHEDULED = "_AMQ_SCHED_DELIVERY";

    private QueuedMessage() {
    }

    static String body(Envelope envelope) {
        return EnvelopeCodec.encode(envelope);
    }

    static Map<String, Object> properties(String id, long size, long storedMs, int failedAttempts, String lastFailure,
                                          long notBeforeMs, long nowMs) {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ID, id);
        properties.put(SIZE, size);
        properties.put(STORED, storedMs);
        properties.put(ATTEMPTS, failedAttempts);
        properties.put(FAILURE, lastFailure);
        if (notBeforeMs > nowMs) {
            properties.put(SCHEDULED, notBeforeMs);
        }
        return properties;
    }

    /** @throws IllegalArgumentException if a property is missing or the envelope unreadable */
    static SpooledMail read(String body, Map<String, Object> properties) {
        Object id = properties.get(ID);
        if (!(id instanceof String text) || body == null) {
            throw new IllegalArgumentException("not a Postline queue message: " + properties.keySet());
        }
        return new SpooledMail(text, EnvelopeCodec.decode(body), number(properties, SIZE),
                Instant.ofEpochMilli(number(properties, STORED)), (int) number(properties, ATTEMPTS),
                String.valueOf(properties.getOrDefault(FAILURE, "")));
    }

    private static long number(Map<String, Object> properties, String name) {
        Object value = properties.get(name);
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof String s) {
            return Long.parseLong(s);
        }
        throw new IllegalArgumentException("message property " + name + " is missing");
    }
}
