package org.postline.container.context;

import java.io.OutputStream;
import java.time.Instant;
import java.util.Map;
import java.util.HashMap;
import javax.mail.MessagingException;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.Mail;
import org.postline.api.StoreException;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.Spool;
import org.postline.container.mail.EnvelopeMapping;

/**
 * Puts mail created or re-sent by mailets back into the durable spool ({@code MailetContext.sendMail}):
 * committed (synced) before the call returns, marked as sent by a mailet, in the requested state.
 */
public final class MailSubmitter {

    /** Envelope attribute: the spool worker leaves the mail until this time (epoch milliseconds). */
    public static final AttributeName NOT_BEFORE = AttributeName.of("org.postline.container.NotBefore");

    private final Spool spool;

    public MailSubmitter(Spool spool) {
        this.spool = spool;
    }

    /**
     * A delayed mail is held back by the spool itself when it can (no failed attempt is counted), else by the
     * {@link #NOT_BEFORE} attribute, which the spool worker honours by releasing the mail until then.
     *
     * @return the spool id
     */
    public String submit(Mail mail, String state, long delayMillis) throws MessagingException {
        mail.setAttribute(Mail.SENT_BY_MAILET_ATTRIBUTE);
        mail.setState(state);
        Envelope envelope = EnvelopeMapping.toEnvelope(mail);
        long notBefore = System.currentTimeMillis() + delayMillis;
        try (Spool.Writer writer = open(envelope, delayMillis > 0 ? notBefore : 0)) {
            try (OutputStream out = writer.content()) {
                mail.getMessage().writeTo(out);
            }
            return writer.commit();
        } catch (StoreException | java.io.IOException e) {
            throw new MessagingException("could not put mail " + mail.getName() + " into the spool: " + e.getMessage(), e);
        }
    }

    private Spool.Writer open(Envelope envelope, long notBefore) {
        if (notBefore <= 0) {
            return spool.begin(envelope);
        }
        try {
            return spool.begin(envelope, Instant.ofEpochMilli(notBefore));
        } catch (UnsupportedOperationException e) {
            Map<String, String> attributes = new HashMap<>(envelope.attributes());
            AttributeValue.of(notBefore).toJson().ifPresent(json -> attributes.put(NOT_BEFORE.asString(), json.toString()));
            return spool.begin(new Envelope(envelope.name(), envelope.sender(), envelope.recipients(), envelope.state(),
                    envelope.errorMessage(), attributes, envelope.session(), envelope.dsn()));
        }
    }
}
