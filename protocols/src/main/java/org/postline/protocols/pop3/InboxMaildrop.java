package org.postline.protocols.pop3;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.MessageUid;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.model.MessageResultIterator;
import org.apache.james.protocols.pop3.mailbox.Mailbox;
import org.apache.james.protocols.pop3.mailbox.MessageMetaData;

/**
 * A user's INBOX seen as a POP3 maildrop. The message list is taken once, at login, so message numbers
 * stay fixed for the session (RFC 1939) whatever IMAP or delivery do meanwhile. Unique ids are
 * {@code UIDVALIDITY-UID}: stable across sessions, and never reused even if the INBOX is recreated.
 * Closing ends the mailbox session and gives back the maildrop lock; it is idempotent.
 */
final class InboxMaildrop implements Mailbox {

    private final MailboxManager mailboxes;
    private final MailboxSession session;
    private final MessageManager inbox;
    private final MaildropLocks.Lease lease;
    private final String identifier;
    private final List<MessageMetaData> snapshot;
    private final Map<String, MessageUid> uidsById;
    private final AtomicBoolean closed = new AtomicBoolean();

    private InboxMaildrop(MailboxManager mailboxes, MailboxSession session, MessageManager inbox,
                          MaildropLocks.Lease lease, String identifier, List<MessageMetaData> snapshot,
                          Map<String, MessageUid> uidsById) {
        this.mailboxes = mailboxes;
        this.session = session;
        this.inbox = inbox;
        this.lease = lease;
        this.identifier = identifier;
        this.snapshot = snapshot;
        this.uidsById = uidsById;
    }

    /**
     * Opens {@code user}'s INBOX (creating it if missing) and lists it. On failure the lease is released.
     */
    static InboxMaildrop open(MailboxManager mailboxes, String user, MaildropLocks.Lease lease) throws MailboxException {
        MailboxSession session = mailboxes.createSystemSession(Username.of(user));
        mailboxes.startProcessingRequest(session);
        try {
            MessageManager inbox = inbox(mailboxes, session);
            long uidValidity = inbox.getMailboxEntity().getUidValidity().asLong();
            List<MessageMetaData> messages = new ArrayList<>();
            Map<String, MessageUid> uids = new HashMap<>();
            MessageResultIterator results = inbox.getMessages(MessageRange.all(), FetchGroup.MINIMAL, session);
            while (results.hasNext()) {
                MessageResult message = results.next();
                String id = uidValidity + "-" + message.getUid().asLong();
                messages.add(new MessageMetaData(id, message.getSize()));
                uids.put(id, message.getUid());
            }
            if (results.getException() != null) {
                throw results.getException();
            }
            return new InboxMaildrop(mailboxes, session, inbox, lease, Long.toString(uidValidity),
                    Collections.unmodifiableList(messages), uids);
        } catch (MailboxException | RuntimeException e) {
            mailboxes.endProcessingRequest(session);
            lease.release();
            throw e;
        }
    }

    private static MessageManager inbox(MailboxManager mailboxes, MailboxSession session) throws MailboxException {
        MailboxPath path = MailboxPath.inbox(session);
        try {
            return mailboxes.getMailbox(path, session);
        } catch (MailboxNotFoundException missing) {
            try {
                mailboxes.createMailbox(path, session);
            } catch (MailboxExistsException createdMeanwhile) {
                // delivery created it between our two calls
            }
            return mailboxes.getMailbox(path, session);
        }
    }

    @Override
    public InputStream getMessage(String uid) throws IOException {
        MessageUid messageUid = uidsById.get(uid);
        if (messageUid == null) {
            throw new IOException("no message " + uid);
        }
        try {
            MessageResultIterator results = inbox.getMessages(MessageRange.one(messageUid), FetchGroup.FULL_CONTENT, session);
            if (!results.hasNext()) {
                throw new IOException("message " + uid + " is gone");
            }
            return results.next().getFullContent().getInputStream();
        } catch (MailboxException e) {
            throw new IOException("cannot read message " + uid, e);
        }
    }

    /** The list taken at login. */
    @Override
    public List<MessageMetaData> getMessages() {
        return snapshot;
    }

    @Override
    public void remove(String... uids) throws IOException {
        List<MessageUid> doomed = new ArrayList<>(uids.length);
        for (String uid : uids) {
            MessageUid messageUid = uidsById.get(uid);
            if (messageUid != null) {
                doomed.add(messageUid);
            }
        }
        if (doomed.isEmpty()) {
            return;
        }
        try {
            inbox.delete(doomed, session);
        } catch (MailboxException e) {
            throw new IOException("cannot delete messages", e);
        }
    }

    /** The INBOX's UIDVALIDITY. */
    @Override
    public String getIdentifier() {
        return identifier;
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                mailboxes.endProcessingRequest(session);
            } finally {
                lease.release();
            }
        }
    }

    boolean isClosed() {
        return closed.get();
    }
}
