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
 * <p>Clients read a maildrop in order, so reading a message also fetches the next few (their stored rows,
 * not their bodies): one database query per {@value #READ_AHEAD} messages instead of one each.
 */
final class InboxMaildrop implements Mailbox {

    /** Messages whose rows one read fetches: this many rows' headers are held in memory at most. */
    static final int READ_AHEAD = 16;

    private final MailboxManager mailboxes;
    private final MailboxSession session;
    private final MessageManager inbox;
    private final MaildropLocks.Lease lease;
    private final String identifier;
    private final List<MessageMetaData> snapshot;
    private final List<MessageUid> uids;
    private final Map<String, Integer> indexById;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Rows fetched ahead and not read yet (their headers, not their bodies). */
    private final Map<MessageUid, MessageResult> fetchedAhead = new HashMap<>();

    private InboxMaildrop(MailboxManager mailboxes, MailboxSession session, MessageManager inbox,
                          MaildropLocks.Lease lease, String identifier, List<MessageMetaData> snapshot,
                          List<MessageUid> uids) {
        this.mailboxes = mailboxes;
        this.session = session;
        this.inbox = inbox;
        this.lease = lease;
        this.identifier = identifier;
        this.snapshot = snapshot;
        this.uids = uids;
        this.indexById = new HashMap<>();
        for (int i = 0; i < snapshot.size(); i++) {
            indexById.put(snapshot.get(i).getUid(), i);
        }
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
            List<MessageUid> uids = new ArrayList<>();
            MessageResultIterator results = inbox.getMessages(MessageRange.all(), FetchGroup.MINIMAL, session);
            while (results.hasNext()) {
                MessageResult message = results.next();
                messages.add(new MessageMetaData(uidValidity + "-" + message.getUid().asLong(), message.getSize()));
                uids.add(message.getUid());
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
    public synchronized InputStream getMessage(String uid) throws IOException {
        Integer index = indexById.get(uid);
        if (index == null) {
            throw new IOException("no message " + uid);
        }
        MessageUid messageUid = uids.get(index);
        try {
            MessageResult message = fetchedAhead.remove(messageUid);
            if (message == null) {
                fetchFrom(index);
                message = fetchedAhead.remove(messageUid);
            }
            if (message == null) {
                throw new IOException("message " + uid + " is gone");
            }
            return message.getFullContent().getInputStream();
        } catch (MailboxException e) {
            throw new IOException("cannot read message " + uid, e);
        }
    }

    /** Replaces the rows fetched ahead with those of the message at {@code index} and the next few. */
    private void fetchFrom(int index) throws MailboxException {
        fetchedAhead.clear();
        MessageUid last = uids.get(Math.min(index + READ_AHEAD, uids.size()) - 1);
        MessageResultIterator results = inbox.getMessages(MessageRange.range(uids.get(index), last),
                FetchGroup.FULL_CONTENT, session);
        while (results.hasNext()) {
            MessageResult message = results.next();
            fetchedAhead.put(message.getUid(), message);
        }
        if (results.getException() != null) {
            throw results.getException();
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
            Integer index = indexById.get(uid);
            if (index != null) {
                doomed.add(this.uids.get(index));
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
            synchronized (this) {
                fetchedAhead.clear();
            }
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
