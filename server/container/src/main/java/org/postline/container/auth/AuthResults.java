package org.postline.container.auth;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;

/**
 * The results of sender-authentication checks as mail attributes: one word per method (RFC 8601 result
 * names: pass, fail, softfail, neutral, none, temperror, permerror, policy) for matchers, and the
 * Authentication-Results clauses in the order the checks ran, for the header.
 */
public final class AuthResults {

    /** The SPF result of the envelope sender (or of the HELO name for the null sender). */
    public static final AttributeName SPF = AttributeName.of("org.postline.auth.spf");
    /** The DKIM result: pass when any signature verifies, else the first signature's result; none unsigned. */
    public static final AttributeName DKIM = AttributeName.of("org.postline.auth.dkim");
    /** The DNS blocklists (zones) that list the client, as the SMTP listener saw them; absent when none. */
    public static final AttributeName DNSBL = AttributeName.of("org.postline.auth.dnsbl");
    /** The Authentication-Results clauses ({@code spf=pass smtp.mailfrom=...}), a list of strings. */
    public static final AttributeName CLAUSES = AttributeName.of("org.postline.auth.results");

    private AuthResults() {
    }

    /** Records a method's result and its clauses, replacing what an earlier run of the same method left. */
    public static void record(Mail mail, AttributeName method, String result, List<String> clauses) {
        String prefix = methodName(method) + "=";
        List<String> all = new ArrayList<>(clauses(mail));
        all.removeIf(clause -> clause.startsWith(prefix));
        all.addAll(clauses);
        mail.setAttribute(new Attribute(method, AttributeValue.of(result)));
        List<AttributeValue<?>> values = new ArrayList<>();
        all.forEach(clause -> values.add(AttributeValue.of(clause)));
        mail.setAttribute(new Attribute(CLAUSES, AttributeValue.of(values)));
    }

    public static Optional<String> result(Mail mail, AttributeName method) {
        return mail.getAttribute(method).map(a -> a.getValue().value()).filter(String.class::isInstance)
                .map(v -> ((String) v).toLowerCase(Locale.ROOT));
    }

    public static List<String> clauses(Mail mail) {
        return mail.getAttribute(CLAUSES).map(a -> a.getValue().value())
                .filter(List.class::isInstance)
                .map(v -> ((List<?>) v).stream()
                        .map(item -> item instanceof AttributeValue<?> av ? av.value() : item)
                        .filter(String.class::isInstance).map(String.class::cast).toList())
                .orElse(List.of());
    }

    private static String methodName(AttributeName method) {
        String name = method.asString();
        return name.substring(name.lastIndexOf('.') + 1);
    }
}
