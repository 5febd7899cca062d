package org.postline.container.remote;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.postline.api.queue.DsnRequest;

/**
 * What remote delivery tells the bounce processor about each recipient of a mail it hands over: the DSN
 * action, status, remote host, diagnostic and retry horizon, as a mail attribute (so it survives the spool),
 * plus the time the mail first arrived. {@code DSNBounce} turns it into the report.
 */
public final class DeliveryStatusAttribute {

    public static final AttributeName STATUS = AttributeName.of("org.postline.remote.DeliveryStatus");
    public static final AttributeName ARRIVAL = AttributeName.of("org.postline.remote.ArrivalDate");

    /** One recipient's status; {@code action} is failed, delayed or relayed. */
    public record Entry(String action, String status, Optional<String> remoteMta, Optional<String> diagnostic,
                        Optional<Instant> willRetryUntil) {

        static Entry of(String action, RecipientResult result, Optional<Instant> willRetryUntil) {
            return new Entry(action, result.status(), result.remoteMta(), Optional.of(result.diagnostic()),
                    willRetryUntil);
        }
    }

    private DeliveryStatusAttribute() {
    }

    static Attribute write(Map<String, Entry> entries) {
        Map<String, AttributeValue<?>> byRecipient = new LinkedHashMap<>();
        entries.forEach((recipient, entry) -> {
            Map<String, AttributeValue<?>> fields = new HashMap<>();
            fields.put("action", AttributeValue.of(entry.action()));
            fields.put("status", AttributeValue.of(entry.status()));
            entry.remoteMta().ifPresent(m -> fields.put("remoteMta", AttributeValue.of(m)));
            entry.diagnostic().ifPresent(d -> fields.put("diagnostic", AttributeValue.of(d)));
            entry.willRetryUntil().ifPresent(t -> fields.put("willRetryUntil", AttributeValue.of(t.toEpochMilli())));
            byRecipient.put(recipient.toLowerCase(Locale.ROOT), AttributeValue.of(fields));
        });
        return new Attribute(STATUS, AttributeValue.of(byRecipient));
    }

    static Attribute arrival(Instant arrived) {
        return new Attribute(ARRIVAL, AttributeValue.of(arrived.toEpochMilli()));
    }

    /** The statuses by lower-cased recipient; empty if the mail carries none (or an unreadable one). */
    public static Map<String, Entry> read(Mail mail) {
        Map<String, Entry> out = new HashMap<>();
        Optional<Attribute> attribute = mail.getAttribute(STATUS);
        if (attribute.isEmpty() || !(attribute.get().getValue().value() instanceof Map<?, ?> byRecipient)) {
            return out;
        }
        byRecipient.forEach((recipient, value) -> {
            if (value instanceof AttributeValue<?> v && v.value() instanceof Map<?, ?> fields) {
                Optional<String> action = text(fields, "action");
                Optional<String> status = text(fields, "status");
                if (action.isPresent() && status.isPresent()) {
                    out.put(String.valueOf(recipient).toLowerCase(Locale.ROOT), new Entry(action.get(), status.get(),
                            text(fields, "remoteMta"), text(fields, "diagnostic"),
                            number(fields, "willRetryUntil").map(Instant::ofEpochMilli)));
                }
            }
        });
        return out;
    }

    public static Optional<Instant> arrival(Mail mail) {
        return mail.getAttribute(ARRIVAL).map(a -> a.getValue().value())
                .filter(Number.class::isInstance).map(n -> Instant.ofEpochMilli(((Number) n).longValue()));
    }

    private static Optional<String> text(Map<?, ?> fields, String key) {
        return Optional.ofNullable(fields.get(key)).filter(AttributeValue.class::isInstance)
                .map(v -> ((AttributeValue<?>) v).value()).filter(String.class::isInstance).map(String.class::cast);
    }

    private static Optional<Long> number(Map<?, ?> fields, String key) {
        return Optional.ofNullable(fields.get(key)).filter(AttributeValue.class::isInstance)
                .map(v -> ((AttributeValue<?>) v).value()).filter(Number.class::isInstance)
                .map(n -> ((Number) n).longValue());
    }

    /**
     * Whether the sender asked for a notice of this kind (RFC 3461 section 4.1): FAILURE and DELAY unless
     * NOTIFY was given without them, SUCCESS only when asked for; NEVER suppresses all.
     *
     * @param kind FAILURE, DELAY or SUCCESS
     */
    public static boolean wanted(DsnRequest dsn, String recipient, String kind) {
        DsnRequest.RecipientDsn request = dsn.recipients().get(recipient.toLowerCase(Locale.ROOT));
        if (request == null || request.notifyOn().isEmpty()) {
            return !kind.equals("SUCCESS");
        }
        if (request.notifyOn().contains("NEVER")) {
            return false;
        }
        return request.notifyOn().contains(kind);
    }

    /** The ORCPT of a recipient, if the sender gave one. */
    public static Optional<String> originalRecipient(DsnRequest dsn, String recipient) {
        DsnRequest.RecipientDsn request = dsn.recipients().get(recipient.toLowerCase(Locale.ROOT));
        return request == null ? Optional.empty() : request.orcpt();
    }

    /** RET=HDRS asks for the headers only; otherwise (FULL or not given) a failure returns the whole message. */
    public static DsnReport.Returned returned(DsnRequest dsn, String action) {
        if (!action.equals("failed")) {
            return DsnReport.Returned.HEADERS;
        }
        return dsn.ret().filter(r -> r.equalsIgnoreCase("HDRS")).isPresent()
                ? DsnReport.Returned.HEADERS : DsnReport.Returned.FULL;
    }
}

