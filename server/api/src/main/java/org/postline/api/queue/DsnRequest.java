package org.postline.api.queue;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The RFC 3461 DSN parameters given at MAIL FROM (RET, ENVID) and RCPT TO (NOTIFY, ORCPT), kept with the mail.
 *
 * @param recipients keyed by the recipient address as given at RCPT (lower-cased)
 */
public record DsnRequest(Optional<String> ret, Optional<String> envId, Map<String, RecipientDsn> recipients) {

    public DsnRequest {
        recipients = Map.copyOf(recipients);
    }

    public static DsnRequest none() {
        return new DsnRequest(Optional.empty(), Optional.empty(), Map.of());
    }

    /** @param notifyOn NEVER, or any of SUCCESS, FAILURE, DELAY; empty when not given */
    public record RecipientDsn(Set<String> notifyOn, Optional<String> orcpt) {
        public RecipientDsn {
            notifyOn = Set.copyOf(notifyOn);
        }
    }
}
