package org.postline.container.remote;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one delivery attempt did for one recipient.
 *
 * @param status     the RFC 3463 status code, e.g. {@code 5.1.1}
 * @param diagnostic the RFC 3464 Diagnostic-Code value: {@code smtp; 550 5.1.1 no such user} for a remote
 *                   reply, {@code x-postline; ...} for a local finding (DNS, connection)
 * @param remoteMta  the host that gave the reply, when one did
 */
public record RecipientResult(String recipient, Outcome outcome, String status, String diagnostic,
                              Optional<String> remoteMta) {

    private static final Pattern ENHANCED = Pattern.compile("^[245]\\.\\d{1,3}\\.\\d{1,3}\\b");

    /** Delivered (the next hop took responsibility), deferred (try again) or failed for good. */
    public enum Outcome { DELIVERED, TEMPORARY, PERMANENT }

    /** A result from an SMTP reply: its class decides the outcome; an enhanced code in its text the status. */
    static RecipientResult fromReply(String recipient, DeliveryTransport.Reply reply, String remoteMta,
                                     String fallbackDetail) {
        Outcome outcome = reply.positive() ? Outcome.DELIVERED
                : reply.permanentFailure() ? Outcome.PERMANENT : Outcome.TEMPORARY;
        String text = reply.text();
        String afterCode = text.length() > 4 ? text.substring(4) : "";
        Matcher m = ENHANCED.matcher(afterCode);
        String status;
        if (m.find() && afterCode.charAt(0) == text.charAt(0)) {
            status = m.group();
        } else {
            status = switch (outcome) {
                case DELIVERED -> "2.0.0";
                case PERMANENT -> "5." + fallbackDetail;
                case TEMPORARY -> "4." + fallbackDetail;
            };
        }
        return new RecipientResult(recipient, outcome, status, "smtp; " + text, Optional.of(remoteMta));
    }

    static RecipientResult temporary(String recipient, String status, String why) {
        return new RecipientResult(recipient, Outcome.TEMPORARY, status, "x-postline; " + why, Optional.empty());
    }

    static RecipientResult permanent(String recipient, String status, String why) {
        return new RecipientResult(recipient, Outcome.PERMANENT, status, "x-postline; " + why, Optional.empty());
    }

    /** The same result turned into a final failure (retries exhausted), keeping what was last seen. */
    RecipientResult givenUp(String why) {
        return new RecipientResult(recipient, Outcome.PERMANENT, status, diagnostic + " (" + why + ")", remoteMta);
    }

    /** The domain part, lower-cased. */
    static String domainOf(String address) {
        int at = address.lastIndexOf('@');
        return at < 0 ? "" : address.substring(at + 1).toLowerCase(Locale.ROOT);
    }

    /** For logs: the reply or reason without its type prefix. */
    String detail() {
        int semicolon = diagnostic.indexOf(';');
        return semicolon < 0 ? diagnostic : diagnostic.substring(semicolon + 1).trim();
    }
}
