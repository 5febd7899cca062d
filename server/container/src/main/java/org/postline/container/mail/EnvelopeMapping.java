package org.postline.container.mail;

import com.google.common.collect.ImmutableMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import javax.mail.internet.AddressException;
import javax.mail.internet.MimeMessage;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.AttributeValue;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;
import org.postline.api.queue.DsnRequest;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.SessionFacts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Converts between the store's {@link Envelope} and the Mailet API's {@link Mail}. Attributes travel as the
 * JSON that {@link AttributeValue#toJson()} writes; per-recipient headers ride along under a reserved key
 * that mailets never see as an attribute.
 */
public final class EnvelopeMapping {

    /** Reserved envelope attribute key holding the per-recipient headers (not a mailet attribute). */
    public static final String PER_RECIPIENT_HEADERS_KEY = "org.postline.container.PerRecipientHeaders";

    private static final Logger LOG = LoggerFactory.getLogger(EnvelopeMapping.class);

    private EnvelopeMapping() {
    }

    /**
     * The Mail for an envelope and its message.
     *
     * @throws AddressException if a stored address does not parse (the store holds only validated ones)
     */
    public static PostlineMail toMail(Envelope envelope, MimeMessage message, Date lastUpdated) throws AddressException {
        MaybeSender sender = envelope.sender().isEmpty()
                ? MaybeSender.nullSender() : MaybeSender.of(new MailAddress(envelope.sender().get()));
        List<MailAddress> recipients = new ArrayList<>();
        for (String recipient : envelope.recipients()) {
            recipients.add(new MailAddress(recipient));
        }
        PostlineMail mail = new PostlineMail(envelope.name(), sender, recipients, message);
        mail.setState(envelope.state());
        mail.setErrorMessage(envelope.errorMessage().orElse(null));
        mail.setSession(envelope.session());
        mail.setLastUpdated(lastUpdated);
        envelope.attributes().forEach((key, json) -> readAttribute(mail, key, json));
        envelope.session().authUser().ifPresent(user -> {
            if (mail.getAttribute(Mail.SMTP_AUTH_USER).isEmpty()) {
                mail.setAttribute(new Attribute(Mail.SMTP_AUTH_USER, AttributeValue.of(user)));
            }
        });
        mail.setReceivedDsn(envelope.dsn(), toDsnParameters(envelope.dsn()).orElse(null));
        return mail;
    }

    private static void readAttribute(PostlineMail mail, String key, String json) {
        try {
            AttributeValue<?> value = AttributeValue.fromJsonString(json);
            if (PER_RECIPIENT_HEADERS_KEY.equals(key)) {
                readPerRecipientHeaders(mail, value);
            } else {
                mail.setAttribute(new Attribute(AttributeName.of(key), value));
            }
        } catch (Exception e) {
            LOG.warn("mail {}: attribute {} does not read back ({}); kept as stored", mail.getName(), key, e.toString());
            mail.unreadableAttributes().put(key, json);
        }
    }

    private static void readPerRecipientHeaders(PostlineMail mail, AttributeValue<?> value) throws AddressException {
        Map<?, ?> byRecipient = (Map<?, ?>) value.value();
        for (Map.Entry<?, ?> entry : byRecipient.entrySet()) {
            MailAddress recipient = new MailAddress((String) entry.getKey());
            for (Object header : (Collection<?>) ((AttributeValue<?>) entry.getValue()).value()) {
                String line = (String) ((AttributeValue<?>) header).value();
                mail.addSpecificHeaderForRecipient(PerRecipientHeaders.Header.fromString(line), recipient);
            }
        }
    }

    /** The envelope for any Mail (ours or a mailet's own implementation). */
    public static Envelope toEnvelope(Mail mail) {
        Map<String, String> attributes = new LinkedHashMap<>();
        if (mail instanceof PostlineMail ours) {
            attributes.putAll(ours.unreadableAttributes());
        }
        mail.attributes().forEach(attribute -> writeAttribute(mail, attribute, attributes));
        writePerRecipientHeaders(mail.getPerRecipientSpecificHeaders(), attributes);
        SessionFacts session = sessionOf(mail);
        DsnRequest dsn = mail instanceof PostlineMail ours
                ? ours.unchangedReceivedDsn().orElseGet(() -> toDsnRequest(mail.dsnParameters()))
                : toDsnRequest(mail.dsnParameters());
        List<String> recipients = mail.getRecipients().stream().map(MailAddress::asString).toList();
        return new Envelope(mail.getName(), mail.getMaybeSender().asOptional().map(MailAddress::asString), recipients,
                mail.getState() == null ? Mail.DEFAULT : mail.getState(),
                Optional.ofNullable(mail.getErrorMessage()), attributes, session, dsn);
    }

    private static void writeAttribute(Mail mail, Attribute attribute, Map<String, String> into) {
        Optional<String> json;
        try {
            json = attribute.getValue().toJson().map(Object::toString);
        } catch (RuntimeException e) {
            json = Optional.empty();
        }
        if (json.isPresent()) {
            into.put(attribute.getName().asString(), json.get());
        } else {
            LOG.debug("mail {}: attribute {} has no JSON form and is not stored", mail.getName(), attribute.getName().asString());
        }
    }

    private static void writePerRecipientHeaders(PerRecipientHeaders headers, Map<String, String> into) {
        if (headers == null || headers.getRecipientsWithSpecificHeaders().isEmpty()) {
            return;
        }
        Map<String, AttributeValue<?>> byRecipient = new HashMap<>();
        for (MailAddress recipient : headers.getRecipientsWithSpecificHeaders()) {
            List<AttributeValue<?>> lines = new ArrayList<>();
            headers.getHeadersForRecipient(recipient).forEach(h -> lines.add(AttributeValue.of(h.asString())));
            byRecipient.put(recipient.asString(), AttributeValue.of(lines));
        }
        AttributeValue.of(byRecipient).toJson().ifPresent(json -> into.put(PER_RECIPIENT_HEADERS_KEY, json.toString()));
    }

    private static SessionFacts sessionOf(Mail mail) {
        String addr = mail.getRemoteAddr() == null ? "127.0.0.1" : mail.getRemoteAddr();
        String host = mail.getRemoteHost() == null ? addr : mail.getRemoteHost();
        if (mail instanceof PostlineMail ours) {
            SessionFacts s = ours.session();
            return new SessionFacts(addr, host, s.heloName(), s.authUser(), s.tls(), s.listener());
        }
        SessionFacts internal = SessionFacts.internal();
        return new SessionFacts(addr, host, internal.heloName(), Optional.empty(), false, internal.listener());
    }

    /** DSN parameters as the Mailet API knows them; ORCPT values that are not rfc822 addresses are left out. */
    public static Optional<DsnParameters> toDsnParameters(DsnRequest dsn) {
        DsnParameters.Builder builder = DsnParameters.builder();
        dsn.ret().flatMap(DsnParameters.Ret::parse).ifPresent(builder::ret);
        dsn.envId().map(DsnParameters.EnvId::of).ifPresent(builder::envId);
        ImmutableMap.Builder<MailAddress, DsnParameters.RecipientDsnParameters> rcpts = ImmutableMap.builder();
        dsn.recipients().forEach((address, rcptDsn) -> {
            try {
                Optional<EnumSet<DsnParameters.Notify>> notify = rcptDsn.notifyOn().isEmpty() ? Optional.empty()
                        : Optional.of(DsnParameters.Notify.parse(String.join(",", rcptDsn.notifyOn())));
                Optional<MailAddress> orcpt = rcptDsn.orcpt().flatMap(EnvelopeMapping::orcptAddress);
                DsnParameters.RecipientDsnParameters.of(notify, orcpt)
                        .ifPresent(p -> rcpts.put(parseAddress(address), p));
            } catch (IllegalArgumentException e) {
                LOG.warn("DSN parameters for {} ignored: {}", address, e.getMessage());
            }
        });
        builder.rcptParameters(rcpts.buildKeepingLast());
        return builder.build();
    }

    private static MailAddress parseAddress(String address) {
        try {
            return new MailAddress(address);
        } catch (AddressException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static Optional<MailAddress> orcptAddress(String orcpt) {
        String value = orcpt;
        if (value.toLowerCase(Locale.ROOT).startsWith("rfc822;")) {
            value = value.substring("rfc822;".length());
        } else if (value.contains(";")) {
            return Optional.empty();
        }
        try {
            return Optional.of(new MailAddress(decodeXtext(value.trim())));
        } catch (AddressException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** RFC 3461 xtext: "+XX" is a hexadecimal byte. */
    private static String decodeXtext(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+' && i + 2 < text.length()) {
                out.append((char) Integer.parseInt(text.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    public static DsnRequest toDsnRequest(Optional<DsnParameters> parameters) {
        if (parameters.isEmpty()) {
            return DsnRequest.none();
        }
        DsnParameters p = parameters.get();
        Map<String, DsnRequest.RecipientDsn> rcpts = new HashMap<>();
        p.getRcptParameters().forEach((address, rcpt) -> {
            Set<String> notify = new TreeSet<>();
            rcpt.getNotifyParameter().ifPresent(set -> set.forEach(n -> notify.add(n.name())));
            rcpts.put(address.asString().toLowerCase(Locale.ROOT),
                    new DsnRequest.RecipientDsn(notify, rcpt.getOrcptParameter().map(a -> "rfc822;" + a.asString())));
        });
        return new DsnRequest(p.getRetParameter().map(Enum::name), p.getEnvIdParameter().map(DsnParameters.EnvId::asString), rcpts);
    }
}
