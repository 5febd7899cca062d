package org.postline.protocols.imap;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.james.imap.api.ImapConfiguration;
import org.apache.james.imap.api.ImapMessage;
import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.process.ImapProcessor;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.SubscriptionManager;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxExistsException;
import org.apache.james.mailbox.exception.SubscriptionException;
import org.apache.james.mailbox.model.MailboxConstants;
import org.apache.james.mailbox.model.MailboxMetaData;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.search.MailboxQuery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Gives a new user INBOX, Sent, Drafts, Trash and Junk (subscribed), before the first command the user sends
 * after logging in. "New" means the user has no mailbox but an INBOX, since delivery may have created the
 * INBOX long before the first login. (James's own provisioning, turned off, would create INBOX, Outbox,
 * Sent, Trash, Drafts, Archive and Spam, and only when the INBOX is missing.) Several sessions of a new
 * user may do this at once: a mailbox someone else created meanwhile counts as created.
 */
final class DefaultMailboxProvisioner implements ImapProcessor {

    static final List<String> DEFAULT_MAILBOXES = List.of(MailboxConstants.INBOX, "Sent", "Drafts", "Trash", "Junk");

    private static final Logger LOGGER = LoggerFactory.getLogger(DefaultMailboxProvisioner.class);
    private static final String CHECKED = "postline.defaultMailboxesChecked";

    private final ImapProcessor next;
    private final MailboxManager mailboxes;
    private final SubscriptionManager subscriptions;

    DefaultMailboxProvisioner(ImapProcessor next, MailboxManager mailboxes, SubscriptionManager subscriptions) {
        this.next = next;
        this.mailboxes = mailboxes;
        this.subscriptions = subscriptions;
    }

    @Override
    public Mono<Void> processReactive(ImapMessage message, Responder responder, ImapSession session) {
        if (!loggedIn(session) || session.getAttribute(CHECKED) != null) {
            return next.processReactive(message, responder, session);
        }
        session.setAttribute(CHECKED, Boolean.TRUE);
        MailboxSession owner = session.getMailboxSession();
        // The store is blocking JDBC: keep it off the connection's I/O thread.
        return Mono.fromRunnable(() -> provision(owner))
            .subscribeOn(Schedulers.boundedElastic())
            .onErrorResume(error -> {
                LOGGER.warn("could not create the default mailboxes of {}", owner.getUser().asString(), error);
                return Mono.empty();
            })
            .then(Mono.defer(() -> next.processReactive(message, responder, session)));
    }

    private static boolean loggedIn(ImapSession session) {
        ImapSessionState state = session.getState();
        return (state == ImapSessionState.AUTHENTICATED || state == ImapSessionState.SELECTED)
            && session.getMailboxSession() != null;
    }

    private void provision(MailboxSession owner) {
        Set<String> existing = existingNames(owner);
        if (!existing.stream().allMatch(MailboxConstants.INBOX::equalsIgnoreCase)) {
            return;
        }
        boolean created = false;
        for (String name : DEFAULT_MAILBOXES) {
            if (existing.stream().noneMatch(name::equalsIgnoreCase)) {
                created |= create(owner, MailboxPath.forUser(owner.getUser(), name));
            }
        }
        // A creator that loses the race to another session, LOGIN's or a delivery's INBOX creation does not
        // subscribe: subscribe them all here (subscribing twice is harmless).
        for (String name : DEFAULT_MAILBOXES) {
            try {
                subscriptions.subscribe(owner, MailboxPath.forUser(owner.getUser(), name));
            } catch (SubscriptionException e) {
                throw new IllegalStateException("cannot subscribe to " + name, e);
            }
        }
        if (created) {
            LOGGER.info("created the default mailboxes of {}", owner.getUser().asString());
        }
    }

    private Set<String> existingNames(MailboxSession owner) {
        Set<String> names = Flux.from(mailboxes.search(MailboxQuery.privateMailboxesBuilder(owner)
                    .matchesAllMailboxNames().build(), MailboxManager.MailboxSearchFetchType.Minimal, owner))
            .map(MailboxMetaData::getPath)
            .map(MailboxPath::getName)
            .collect(Collectors.toSet())
            .block();
        return names == null ? Set.of() : names;
    }

    /**
     * Creates the mailbox unless another session (or a delivery) already has, or does at the same time.
     * @return whether this call created it
     */
    private boolean create(MailboxSession owner, MailboxPath path) {
        try {
            // Empty when the store saw a concurrent creation win.
            return mailboxes.createMailbox(path, owner).isPresent();
        } catch (MailboxException | RuntimeException e) {
            if (has(e, MailboxExistsException.class) || existsNow(owner, path)) {
                return false;
            }
            throw new IllegalStateException("cannot create " + path.getName(), e);
        }
    }

    private boolean existsNow(MailboxSession owner, MailboxPath path) {
        try {
            return Boolean.TRUE.equals(Mono.from(mailboxes.mailboxExists(path, owner)).block());
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static boolean has(Throwable error, Class<? extends Throwable> type) {
        for (Throwable current = error; current != null; current = current.getCause() == current ? null : current.getCause()) {
            if (type.isInstance(current)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void configure(ImapConfiguration imapConfiguration) {
        next.configure(imapConfiguration);
    }
}
