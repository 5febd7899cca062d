package org.postline.protocols.smtp;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.james.protocols.api.ProtocolSession;
import org.postline.api.queue.DsnRequest;

/**
 * The RFC 3461 parameters of the transaction in progress (RET and ENVID from MAIL, NOTIFY and ORCPT from
 * each accepted RCPT). Lives in the session's transaction state, so RSET, EHLO and the end of DATA clear it;
 * touched only by the connection's handler thread.
 */
final class DsnParameters {

    static final ProtocolSession.AttachmentKey<DsnParameters> KEY =
            ProtocolSession.AttachmentKey.of("POSTLINE_DSN", DsnParameters.class);

    private static final Set<String> NOTIFY_VALUES = Set.of("SUCCESS", "FAILURE", "DELAY");
    private static final int MAX_ENVID_LENGTH = 100;

    private Optional<String> ret = Optional.empty();
    private Optional<String> envId = Optional.empty();
    private final Map<String, DsnRequest.RecipientDsn> recipients = new LinkedHashMap<>();

    static DsnParameters of(ProtocolSession session) {
        Optional<DsnParameters> existing = session.getAttachment(KEY, ProtocolSession.State.Transaction);
        if (existing.isPresent()) {
            return existing.get();
        }
        DsnParameters created = new DsnParameters();
        session.setAttachment(KEY, created, ProtocolSession.State.Transaction);
        return created;
    }

    static void clear(ProtocolSession session) {
        session.removeAttachment(KEY, ProtocolSession.State.Transaction);
    }

    static DsnRequest request(ProtocolSession session) {
        return session.getAttachment(KEY, ProtocolSession.State.Transaction)
                .map(DsnParameters::toRequest)
                .orElse(DsnRequest.none());
    }

    /** @return empty if accepted, else the error text */
    Optional<String> setRet(String value) {
        String upper = value.toUpperCase(Locale.ROOT);
        if (!upper.equals("FULL") && !upper.equals("HDRS")) {
            return Optional.of("RET must be FULL or HDRS");
        }
        ret = Optional.of(upper);
        return Optional.empty();
    }

    Optional<String> setEnvId(String value) {
        if (value.isEmpty() || value.length() > MAX_ENVID_LENGTH || !isXtext(value)) {
            return Optional.of("ENVID must be 1 to 100 characters of xtext");
        }
        envId = Optional.of(value);
        return Optional.empty();
    }

    /**
     * Parses the NOTIFY and ORCPT parameters of one RCPT.
     *
     * @return the recipient's DSN request, or the error text when a parameter is malformed
     */
    static ParsedRecipient parseRecipient(Map<String, String> parameters) {
        Set<String> notify = new LinkedHashSet<>();
        String notifyValue = parameters.get("NOTIFY");
        if (notifyValue != null) {
            for (String token : notifyValue.toUpperCase(Locale.ROOT).split(",", -1)) {
                if (!token.equals("NEVER") && !NOTIFY_VALUES.contains(token)) {
                    return ParsedRecipient.error("NOTIFY must be NEVER or a list of SUCCESS, FAILURE, DELAY");
                }
                notify.add(token);
            }
            if (notify.contains("NEVER") && notify.size() > 1) {
                return ParsedRecipient.error("NOTIFY=NEVER cannot be combined with other values");
            }
        }
        Optional<String> orcpt = Optional.empty();
        String orcptValue = parameters.get("ORCPT");
        if (orcptValue != null) {
            int semicolon = orcptValue.indexOf(';');
            if (semicolon <= 0 || semicolon == orcptValue.length() - 1 || orcptValue.length() > 500
                    || !isXtext(orcptValue.substring(semicolon + 1))) {
                return ParsedRecipient.error("ORCPT must be addr-type;xtext, e.g. rfc822;user@example.org");
            }
            orcpt = Optional.of(orcptValue);
        }
        if (notify.isEmpty() && orcpt.isEmpty()) {
            return new ParsedRecipient(Optional.empty(), Optional.empty());
        }
        return new ParsedRecipient(Optional.of(new DsnRequest.RecipientDsn(notify, orcpt)), Optional.empty());
    }

    void addRecipient(String address, DsnRequest.RecipientDsn dsn) {
        recipients.put(address.toLowerCase(Locale.ROOT), dsn);
    }

    DsnRequest toRequest() {
        return new DsnRequest(ret, envId, recipients);
    }

    /** RFC 3461 xtext: printable ASCII except '+' and '=', with "+XX" hex escapes. */
    private static boolean isXtext(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '+') {
                if (i + 2 >= value.length() || !isUpperHex(value.charAt(i + 1)) || !isUpperHex(value.charAt(i + 2))) {
                    return false;
                }
                i += 2;
            } else if (c < 0x21 || c > 0x7e || c == '=') {
                return false;
            }
        }
        return true;
    }

    private static boolean isUpperHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
    }

    record ParsedRecipient(Optional<DsnRequest.RecipientDsn> dsn, Optional<String> error) {
        static ParsedRecipient error(String text) {
            return new ParsedRecipient(Optional.empty(), Optional.of(text));
        }
    }
}
