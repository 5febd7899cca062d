package org.postline.api.queue;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything about a mail except its content: who sent it, to whom, where in the pipeline it stands and
 * what the receiving session knew. Immutable; a store round-trips every field.
 *
 * @param name         the mail's name in the pipeline (unique; the queue id shown to the SMTP client is the spool id)
 * @param sender       empty for the null sender {@code <>}
 * @param recipients   addresses, lower-cased domain part, in RCPT order
 * @param state        the processor to run next ("root" for newly received mail)
 * @param errorMessage why the mail was last sent to an error processor, if it was
 * @param attributes   mailet attributes, each value as the JSON that the Mailet API's AttributeValue writes
 */
public record Envelope(
        String name,
        Optional<String> sender,
        List<String> recipients,
        String state,
        Optional<String> errorMessage,
        Map<String, String> attributes,
        SessionFacts session,
        DsnRequest dsn) {

    public Envelope {
        recipients = List.copyOf(recipients);
        attributes = Map.copyOf(attributes);
    }

    public Envelope withState(String newState) {
        return new Envelope(name, sender, recipients, newState, errorMessage, attributes, session, dsn);
    }

    public Envelope withRecipients(List<String> newRecipients) {
        return new Envelope(name, sender, newRecipients, state, errorMessage, attributes, session, dsn);
    }

    public Envelope withErrorMessage(String message) {
        return new Envelope(name, sender, recipients, state, Optional.ofNullable(message), attributes, session, dsn);
    }
}
