package org.postline.mailets;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

import javax.inject.Inject;
import javax.mail.Flags;
import javax.mail.MessagingException;
import javax.mail.internet.MimeMessage;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.exception.OverQuotaException;
import org.apache.james.mailbox.model.Content;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.mailet.Mail;
import org.apache.mailet.ProcessingState;
import org.apache.mailet.base.GenericMailet;
import org.postline.api.StoreException;
import org.postline.api.directory.Domains;
import org.postline.api.directory.Users;
import org.postline.api.mailbox.DeliverySession;
import org.postline.api.queue.DeferredDelivery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the mail into the INBOX of each recipient's mailbox owner (a user, or the postmaster for
 * {@code postmaster@} a local domain), creating the INBOX if missing. Each stored copy is the message byte for byte,
 * preceded by {@code Return-Path: <sender>} ({@code <>} for the null sender) and {@code Delivered-To: recipient}.
 * <p>Per recipient atomic: each recipient is one append; a recipient whose append fails is not retried here, and
 * the ones already delivered are never delivered again. Delivered recipients leave the mail. If all were delivered
 * the mail is ghosted. If any failure may pass (a contended or unreachable database, see {@link #isTransient}),
 * the mail, holding only the failed recipients, is deferred ({@link DeferredDelivery}): the spool retries just
 * those recipients later at this mailet, with its attempts and delay. Otherwise the same mail, holding only the
 * failed recipients and an error message naming each failure, moves to the {@code errorProcessor} state. Re-routing the mail itself (rather than sending a
 * copy, as James does) keeps its attributes, costs no second spool write, and does not mark it "sent by mailet",
 * which would make it relay-allowed.
 * <p>Init parameters: {@code errorProcessor} (default {@code error}).
 */
public class LocalDelivery extends GenericMailet {

    private static final Logger LOGGER = LoggerFactory.getLogger(LocalDelivery.class);
    static final String ERROR_PROCESSOR = "errorProcessor";

    private final MailboxManager mailboxManager;
    private final LocalRecipients localRecipients;
    private String errorProcessor = Mail.ERROR;

    @Inject
    public LocalDelivery(MailboxManager mailboxManager, Users users, Domains domains) {
        this.mailboxManager = mailboxManager;
        this.localRecipients = new LocalRecipients(users, domains);
    }

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of(ERROR_PROCESSOR));
        errorProcessor = requireNonBlank(getInitParameter(ERROR_PROCESSOR, Mail.ERROR), ERROR_PROCESSOR);
    }

    @Override
    public Collection<ProcessingState> requiredProcessingState() {
        return List.of(new ProcessingState(errorProcessor));
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        // MailAddress equality ignores case: Alice@ and alice@ on one mail are one recipient, delivered once.
        List<MailAddress> recipients = List.copyOf(new LinkedHashSet<>(mail.getRecipients()));
        if (recipients.isEmpty()) {
            return;
        }
        // Serialised once; each recipient's copy streams its own two header lines, then these bytes.
        byte[] message = serialize(mail.getMessage());
        String returnPath = "Return-Path: <" + mail.getMaybeSender().asOptional().map(MailAddress::asString).orElse("")
            + ">\r\n";
        Date internalDate = new Date();
        Optional<MailAddress> postmaster = Optional.ofNullable(getMailetContext().getPostmaster());

        List<MailAddress> failed = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        Exception transientFailure = null;
        for (MailAddress recipient : recipients) {
            try {
                MailAddress owner = localRecipients.mailboxOwner(recipient, postmaster)
                    .orElseThrow(() -> new MessagingException("no such local user"));
                byte[] headers = (returnPath + "Delivered-To: " + recipient.asString() + "\r\n").getBytes(UTF_8);
                deliver(owner, new PrefixedContent(headers, message), internalDate);
                LOGGER.debug("Mail {} delivered to {} (mailbox of {})", mail.getName(), recipient.asString(), owner.asString());
            } catch (Exception e) {
                failed.add(recipient);
                reasons.add(recipient.asString() + ": " + describe(e));
                if (isTransient(e)) {
                    transientFailure = e;
                    LOGGER.warn("Mail {}: local delivery to {} failed for now: {}", mail.getName(), recipient.asString(),
                        describe(e));
                } else {
                    LOGGER.warn("Mail {}: local delivery to {} failed", mail.getName(), recipient.asString(), e);
                }
            }
        }

        if (failed.isEmpty()) {
            mail.setRecipients(List.of());
            mail.setState(Mail.GHOST);
            return;
        }
        mail.setRecipients(failed);
        mail.setErrorMessage("Local delivery failed for " + failed.size() + " of " + recipients.size()
            + " recipient(s): " + String.join("; ", reasons));
        if (transientFailure != null) {
            // All failed recipients wait together: one that failed for good fails again on the retry, alone.
            throw new MessagingException("Local delivery deferred for " + failed,
                new DeferredDelivery(String.join("; ", reasons), transientFailure));
        }
        mail.setState(errorProcessor);
    }

    /**
     * A failure that may pass: the database contended (deadlock, lock time-out, serialisation), unreachable or
     * its pool exhausted, or the store's disk or I/O failing. An unknown user, a full quota or any other
     * refusal is permanent.
     */
    static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OverQuotaException) {
                return false;
            }
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
                || t instanceof StoreException || t instanceof IOException) {
                return true;
            }
            if (t instanceof SQLException sql) {
                for (SQLException next = sql; next != null; next = next.getNextException()) {
                    String state = next.getSQLState();
                    // Class 40: transaction rollback (deadlock, serialisation); 08: connection; Derby's 40XL lock states.
                    if (state != null && (state.startsWith("40") || state.startsWith("08"))) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private void deliver(MailAddress owner, Content content, Date internalDate) throws MailboxException {
        MailboxSession session = mailboxManager.createSystemSession(
            Username.of(owner.asString().toLowerCase(Locale.ROOT)));
        // The store may then resolve the INBOX from memory; an append into one deleted or renamed since fails.
        session.getAttributes().put(DeliverySession.ATTRIBUTE, Boolean.TRUE);
        mailboxManager.startProcessingRequest(session);
        try {
            MessageManager.AppendCommand append = MessageManager.AppendCommand.builder()
                .withInternalDate(internalDate)
                .withFlags(new Flags())
                .recent()
                .delivery()
                .build(content);
            try {
                inbox(session).appendMessage(append, session);
            } catch (MailboxNotFoundException gone) {
                // The INBOX went (deleted or renamed, maybe by another node) after we found it: find or create it again.
                inbox(session).appendMessage(append, session);
            }
        } finally {
            mailboxManager.endProcessingRequest(session);
        }
    }

    private MessageManager inbox(MailboxSession session) throws MailboxException {
        MailboxPath path = MailboxPath.inbox(session);
        try {
            return mailboxManager.getMailbox(path, session);
        } catch (MailboxNotFoundException missing) {
            try {
                mailboxManager.createMailbox(path, session);
            } catch (MailboxExistsException createdConcurrently) {
                // Another delivery created it between our lookup and our create: use theirs.
            }
            return mailboxManager.getMailbox(path, session);
        }
    }

    private static byte[] serialize(MimeMessage message) throws MessagingException {
        if (message == null) {
            throw new MessagingException("the mail has no message to deliver");
        }
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            message.writeTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new MessagingException("cannot read the message to deliver", e);
        }
    }

    private static String describe(Exception e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName()
            : e.getClass().getSimpleName() + ": " + message;
    }

    static String requireNonBlank(String value, String parameter) throws MessagingException {
        if (value == null || value.isBlank()) {
            throw new MessagingException("init parameter '" + parameter + "' must not be empty");
        }
        return value.trim();
    }

    @Override
    public String getMailetInfo() {
        return "Postline LocalDelivery: stores mail in each local recipient's INBOX";
    }

    /** The two delivery header lines followed by the untouched message, without copying the message per recipient. */
    private static final class PrefixedContent implements Content {
        private final byte[] headers;
        private final byte[] message;

        PrefixedContent(byte[] headers, byte[] message) {
            this.headers = headers;
            this.message = message;
        }

        @Override
        public InputStream getInputStream() {
            return new SequenceInputStream(new ByteArrayInputStream(headers), new ByteArrayInputStream(message));
        }

        @Override
        public long size() {
            return (long) headers.length + message.length;
        }
    }
}
