package org.postline.container.context;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import javax.mail.Address;
import javax.mail.MessagingException;
import javax.mail.Session;
import javax.mail.internet.AddressException;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import org.apache.james.core.Domain;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.mailet.HostAddress;
import org.apache.mailet.LookupException;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetContext;
import org.postline.api.directory.Domains;
import org.postline.api.directory.Users;
import org.postline.container.dns.DnsClient;
import org.postline.container.mail.PostlineMail;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The mailets' view of the server: local domains and users, the postmaster, DNS, and sending mail, which
 * always re-enters the durable spool (never a shortcut into the pipeline) so nothing is lost on a crash.
 */
public final class PostlineMailetContext implements MailetContext {

    private static final Logger MAILET_LOG = LoggerFactory.getLogger("org.postline.mailet");

    private final String hostName;
    private final MailAddress postmaster;
    private final Domains domains;
    private final Users users;
    private final MailSubmitter submitter;
    private final DnsClient dns;
    private final Session session;
    private final Map<String, Object> attributes = new ConcurrentHashMap<>();

    public PostlineMailetContext(String hostName, MailAddress postmaster, Domains domains, Users users,
                                 MailSubmitter submitter, DnsClient dns, Session session) {
        this.hostName = hostName;
        this.postmaster = postmaster;
        this.domains = domains;
        this.users = users;
        this.submitter = submitter;
        this.dns = dns;
        this.session = session;
    }

    public Session session() {
        return session;
    }

    /** The server's name (Reporting-MTA of delivery reports, default HELO name of remote delivery). */
    public String hostName() {
        return hostName;
    }

    public DnsClient dns() {
        return dns;
    }

    @Override
    public int getMajorVersion() {
        return 3;
    }

    @Override
    public int getMinorVersion() {
        return 8;
    }

    @Override
    public String getServerInfo() {
        return "Postline";
    }

    @Override
    public Iterator<String> getAttributeNames() {
        return List.copyOf(attributes.keySet()).iterator();
    }

    @Override
    public Object getAttribute(String name) {
        return attributes.get(name);
    }

    @Override
    public void setAttribute(String name, Object value) {
        if (value == null) {
            attributes.remove(name);
        } else {
            attributes.put(name, value);
        }
    }

    @Override
    public void removeAttribute(String name) {
        attributes.remove(name);
    }

    @Override
    public void log(String message) {
        MAILET_LOG.info(message);
    }

    @Override
    public void log(String message, Throwable t) {
        MAILET_LOG.error(message, t);
    }

    @Override
    public void log(LogLevel level, String message) {
        log(level, message, null);
    }

    @Override
    public void log(LogLevel level, String message, Throwable t) {
        switch (level) {
            case DEBUG -> MAILET_LOG.debug(message, t);
            case INFO -> MAILET_LOG.info(message, t);
            case WARN -> MAILET_LOG.warn(message, t);
            default -> MAILET_LOG.error(message, t);
        }
    }

    @Override
    public org.slf4j.Logger getLogger() {
        return MAILET_LOG;
    }

    @Override
    public MailAddress getPostmaster() {
        return postmaster;
    }

    @Override
    public boolean isLocalServer(Domain domain) {
        return domain != null && domains.isLocal(domain.asString());
    }

    /** A bare name is taken in the postmaster's domain, as the user directory does for logins. */
    @Override
    public boolean isLocalUser(String name) {
        if (name == null || name.isBlank()) {
            return false;
        }
        String address = name.contains("@") ? name : name + "@" + postmaster.getDomain().asString();
        return users.exists(address.toLowerCase(Locale.ROOT));
    }

    @Override
    public boolean isLocalEmail(MailAddress address) {
        return address != null && !address.isNullSender() && isLocalServer(address.getDomain())
                && users.exists(address.asString().toLowerCase(Locale.ROOT));
    }

    @Override
    public Collection<String> getMailServers(Domain domain) {
        try {
            return dns.mailServers(domain.asString());
        } catch (LookupException e) {
            MAILET_LOG.warn("MX lookup of {} failed: {}", domain.asString(), e.getMessage());
            return List.of();
        }
    }

    @Override
    public Iterator<HostAddress> getSMTPHostAddresses(Domain domain) {
        try {
            return dns.smtpHostAddresses(domain.asString()).iterator();
        } catch (LookupException e) {
            MAILET_LOG.warn("SMTP host lookup of {} failed: {}", domain.asString(), e.getMessage());
            return List.<HostAddress>of().iterator();
        }
    }

    @Override
    public List<String> dnsLookup(String name, RecordType type) throws LookupException {
        return dns.lookup(name, type);
    }

    @Override
    public void sendMail(MimeMessage message) throws MessagingException {
        Address[] from = message.getFrom();
        MailAddress sender = from == null || from.length == 0 ? null : toMailAddress(from[0]);
        Address[] to = message.getAllRecipients();
        if (to == null || to.length == 0) {
            throw new MessagingException("the message names no recipient (To, Cc or Bcc)");
        }
        List<MailAddress> recipients = new ArrayList<>();
        for (Address address : to) {
            recipients.add(toMailAddress(address));
        }
        sendMail(sender, recipients, message);
    }

    private static MailAddress toMailAddress(Address address) throws AddressException {
        if (!(address instanceof InternetAddress internet)) {
            throw new AddressException("not an Internet address: " + address);
        }
        return new MailAddress(internet);
    }

    @Override
    public void sendMail(MailAddress sender, Collection<MailAddress> recipients, MimeMessage message)
            throws MessagingException {
        sendMail(sender, recipients, message, Mail.DEFAULT);
    }

    @Override
    public void sendMail(MailAddress sender, Collection<MailAddress> recipients, MimeMessage message, String state)
            throws MessagingException {
        Mail mail = new PostlineMail(PostlineMail.newName(), MaybeSender.of(sender), recipients, message);
        submitter.submit(mail, state, 0);
    }

    @Override
    public void sendMail(Mail mail) throws MessagingException {
        sendMail(mail, stateOrRoot(mail), 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public void sendMail(Mail mail, long delay, TimeUnit unit) throws MessagingException {
        sendMail(mail, stateOrRoot(mail), delay, unit);
    }

    @Override
    public void sendMail(Mail mail, String state) throws MessagingException {
        sendMail(mail, state, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public void sendMail(Mail mail, String state, long delay, TimeUnit unit) throws MessagingException {
        submitter.submit(mail, state, unit.toMillis(delay));
    }

    private static String stateOrRoot(Mail mail) {
        String state = mail.getState();
        return state == null || state.isBlank() || Mail.GHOST.equals(state) ? Mail.DEFAULT : state;
    }

    @Override
    public void bounce(Mail mail, String message) throws MessagingException {
        bounce(mail, message, postmaster);
    }

    /** Sends a non-delivery report to the sender, from {@code bouncer}, with the null reverse path (RFC 5321 4.5.5). */
    @Override
    public void bounce(Mail mail, String message, MailAddress bouncer) throws MessagingException {
        bounce(mail, message, bouncer, BounceMessages.Returned.MESSAGE);
    }

    /** {@link #bounce(Mail, String, MailAddress)} choosing how much of the original goes back. */
    public void bounce(Mail mail, String message, MailAddress bouncer, BounceMessages.Returned returned)
            throws MessagingException {
        if (!mail.hasSender()) {
            MAILET_LOG.info("mail {} has the null sender; no bounce is sent ({})", mail.getName(), message);
            return;
        }
        MimeMessage report = BounceMessages.build(session, mail, message, bouncer == null ? postmaster : bouncer,
                hostName, returned);
        Mail bounce = new PostlineMail(PostlineMail.newName(), MaybeSender.nullSender(), List.of(mail.getSender()), report);
        submitter.submit(bounce, Mail.DEFAULT, 0);
    }
}
