package org.postline.container.mail;

import java.io.IOException;
import java.io.NotSerializableException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.util.Collection;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.Attribute;
import org.apache.mailet.AttributeName;
import org.apache.mailet.DsnParameters;
import org.apache.mailet.Mail;
import org.apache.mailet.PerRecipientHeaders;
import org.postline.api.queue.DsnRequest;
import org.postline.api.queue.SessionFacts;

/**
 * Postline's {@link Mail}: the envelope as mutable fields plus a MimeMessage (normally a
 * {@link SourcedMimeMessage}). One thread works on a mail at a time, as in the mailet container.
 * {@link #duplicate()} keeps the state, so a split mail resumes where it was (the JAMES-3589 lesson).
 */
public final class PostlineMail implements Mail {

    private static final long serialVersionUID = 1L;

    private String name;
    private String state;
    private List<MailAddress> recipients;
    private MaybeSender sender;
    private String errorMessage;
    private String remoteHost;
    private String remoteAddr;
    private final Map<AttributeName, Attribute> attributes = new LinkedHashMap<>();
    private final PerRecipientHeaders perRecipientHeaders = new PerRecipientHeaders();
    private Date lastUpdated;
    private DsnParameters dsnParameters;
    /** The DSN request as received and the parameters derived from it, to store it unchanged if untouched. */
    private DsnRequest receivedDsn = DsnRequest.none();
    private DsnParameters receivedDsnParameters;
    private transient MimeMessage message;
    /** What the receiving session knew, carried through to the envelope again. */
    private SessionFacts session;
    /** Attributes whose stored JSON could not be read back: kept verbatim so they are not lost. */
    private final Map<String, String> unreadableAttributes = new LinkedHashMap<>();

    public PostlineMail(String name, MaybeSender sender, Collection<MailAddress> recipients, MimeMessage message) {
        this.name = Objects.requireNonNull(name, "name");
        this.sender = sender == null ? MaybeSender.nullSender() : sender;
        this.recipients = List.copyOf(recipients);
        this.message = Objects.requireNonNull(message, "message");
        this.state = Mail.DEFAULT;
        this.session = SessionFacts.internal();
        this.remoteAddr = session.remoteAddress();
        this.remoteHost = session.remoteHost();
        this.lastUpdated = new Date();
    }

    /** A fresh unique name for a mail created in the server. */
    public static String newName() {
        return "mail-" + UUID.randomUUID();
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public void setName(String newName) {
        this.name = Objects.requireNonNull(newName, "name");
    }

    @Override
    public MimeMessage getMessage() {
        return message;
    }

    @Override
    public void setMessage(MimeMessage newMessage) {
        this.message = Objects.requireNonNull(newMessage, "message");
    }

    @Override
    public Collection<MailAddress> getRecipients() {
        return recipients;
    }

    @Override
    public void setRecipients(Collection<MailAddress> newRecipients) {
        this.recipients = List.copyOf(newRecipients);
    }

    @Override
    public MailAddress getSender() {
        return sender.asOptional().orElse(null);
    }

    @Override
    public MaybeSender getMaybeSender() {
        return sender;
    }

    public void setSender(MaybeSender newSender) {
        this.sender = newSender == null ? MaybeSender.nullSender() : newSender;
    }

    @Override
    public Mail duplicate() throws MessagingException {
        PostlineMail copy = new PostlineMail(deriveName(name), sender, recipients, copyMessage());
        copy.state = state;
        copy.errorMessage = errorMessage;
        copy.remoteHost = remoteHost;
        copy.remoteAddr = remoteAddr;
        copy.session = session;
        copy.lastUpdated = lastUpdated;
        copy.dsnParameters = dsnParameters;
        copy.receivedDsn = receivedDsn;
        copy.receivedDsnParameters = receivedDsnParameters;
        attributes.values().forEach(attribute -> copy.attributes.put(attribute.getName(), duplicateAttribute(attribute)));
        copy.perRecipientHeaders.addAll(perRecipientHeaders);
        copy.unreadableAttributes.putAll(unreadableAttributes);
        return copy;
    }

    private static Attribute duplicateAttribute(Attribute attribute) {
        try {
            return attribute.duplicate();
        } catch (IllegalStateException e) {
            return attribute; // an unserialisable value cannot be copied; share it rather than drop it
        }
    }

    private MimeMessage copyMessage() throws MessagingException {
        if (message instanceof SourcedMimeMessage sourced) {
            return sourced.copy();
        }
        return new MimeMessage(message);
    }

    private static String deriveName(String original) {
        String base = original.length() > 60 ? original.substring(0, 60) : original;
        return base + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public String getState() {
        return state;
    }

    @Override
    public void setState(String newState) {
        this.state = newState;
    }

    @Override
    public String getRemoteHost() {
        return remoteHost;
    }

    public void setRemoteHost(String host) {
        this.remoteHost = host;
    }

    @Override
    public String getRemoteAddr() {
        return remoteAddr;
    }

    public void setRemoteAddr(String addr) {
        this.remoteAddr = addr;
    }

    @Override
    public String getErrorMessage() {
        return errorMessage;
    }

    @Override
    public void setErrorMessage(String msg) {
        this.errorMessage = msg;
    }

    public SessionFacts session() {
        return session;
    }

    public void setSession(SessionFacts facts) {
        this.session = Objects.requireNonNull(facts, "session");
        this.remoteAddr = facts.remoteAddress();
        this.remoteHost = facts.remoteHost();
    }

    Map<String, String> unreadableAttributes() {
        return unreadableAttributes;
    }

    @Override
    public Stream<Attribute> attributes() {
        return List.copyOf(attributes.values()).stream();
    }

    @Override
    @SuppressWarnings("deprecation")
    public Serializable getAttribute(String key) {
        return toSerializable(attributes.get(AttributeName.of(key)));
    }

    @Override
    public Optional<Attribute> getAttribute(AttributeName attributeName) {
        return Optional.ofNullable(attributes.get(attributeName));
    }

    @Override
    public Iterator<String> getAttributeNames() {
        return attributes.keySet().stream().map(AttributeName::asString).toList().iterator();
    }

    @Override
    public Stream<AttributeName> attributeNames() {
        return List.copyOf(attributes.keySet()).stream();
    }

    @Override
    public boolean hasAttributes() {
        return !attributes.isEmpty();
    }

    @Override
    public Serializable removeAttribute(String key) {
        return toSerializable(attributes.remove(AttributeName.of(key)));
    }

    @Override
    public Optional<Attribute> removeAttribute(AttributeName attributeName) {
        return Optional.ofNullable(attributes.remove(attributeName));
    }

    @Override
    public void removeAllAttributes() {
        attributes.clear();
        unreadableAttributes.clear();
    }

    @Override
    public Serializable setAttribute(String key, Serializable object) {
        return toSerializable(setAttribute(Attribute.convertToAttribute(key, object)).orElse(null));
    }

    @Override
    public Optional<Attribute> setAttribute(Attribute attribute) {
        unreadableAttributes.remove(attribute.getName().asString());
        return Optional.ofNullable(attributes.put(attribute.getName(), attribute));
    }

    @Override
    public Map<AttributeName, Attribute> attributesMap() {
        return Map.copyOf(attributes);
    }

    private static Serializable toSerializable(Attribute attribute) {
        if (attribute == null) {
            return null;
        }
        Object value = attribute.getValue().value();
        return value instanceof Serializable serializable ? serializable : null;
    }

    @Override
    public void addSpecificHeaderForRecipient(PerRecipientHeaders.Header header, MailAddress recipient) {
        perRecipientHeaders.addHeaderForRecipient(header, recipient);
    }

    @Override
    public PerRecipientHeaders getPerRecipientSpecificHeaders() {
        return perRecipientHeaders;
    }

    @Override
    public long getMessageSize() throws MessagingException {
        if (message instanceof SourcedMimeMessage sourced && sourced.unmodifiedSize() >= 0) {
            return sourced.unmodifiedSize();
        }
        CountingOutputStream counter = new CountingOutputStream();
        try {
            message.writeTo(counter);
        } catch (IOException e) {
            throw new MessagingException("cannot measure message", e);
        }
        return counter.count;
    }

    @Override
    public Date getLastUpdated() {
        return lastUpdated == null ? null : new Date(lastUpdated.getTime());
    }

    @Override
    public void setLastUpdated(Date date) {
        this.lastUpdated = date == null ? null : new Date(date.getTime());
    }

    @Override
    public Optional<DsnParameters> dsnParameters() {
        return Optional.ofNullable(dsnParameters);
    }

    @Override
    public void setDsnParameters(DsnParameters parameters) {
        this.dsnParameters = parameters;
    }

    void setReceivedDsn(DsnRequest request, DsnParameters derived) {
        this.receivedDsn = request;
        this.receivedDsnParameters = derived;
        this.dsnParameters = derived;
    }

    /** The received DSN request when no mailet changed the parameters since. */
    Optional<DsnRequest> unchangedReceivedDsn() {
        return Objects.equals(dsnParameters, receivedDsnParameters) ? Optional.of(receivedDsn) : Optional.empty();
    }

    // Mails travel through the durable spool, never through Java serialisation.
    private void writeObject(ObjectOutputStream out) throws IOException {
        throw new NotSerializableException("PostlineMail travels through the spool, not Java serialisation");
    }

    @Override
    public String toString() {
        return "Mail[" + name + ", state=" + state + ", from=" + sender.asString() + ", to=" + recipients + "]";
    }

    private static final class CountingOutputStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }
}
