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
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxExistsException;
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
 * Sent, Trash, Drafts, Archive and Spam, and only when the INBOX is missing.)
 */
final class DefaultMailboxProvisioner implements ImapProcessor {

    static final List<String> DEFAULT_MAILBOXES = List.of(MailboxConstants.INBOX, "Sent", "Drafts", "Trash", "Junk");

    private static final Logger LOGGER = LoggerFactory.getLogger(DefaultMailboxProvisioner.class);
    private static final String CHECKED = "postline.defaultMailboxesChecked";

    private final ImapProcessor next;
    private final MailboxManager mailboxes;

    DefaultMailboxProvisioner(ImapProcessor next, MailboxManager mailboxes) {
        this.next = next;
        this.mailboxes = mailboxes;
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
                LOGGER.warn("could not create the default mailboxes of {}: {}", owner.getUser().asString(),
                    error.toString());
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
        Set<String> existing = Flux.from(mailboxes.search(MailboxQuery.privateMailboxesBuilder(owner)
                    .matchesAllMailboxNames().build(), MailboxManager.MailboxSearchFetchType.Minimal, owner))
            .map(MailboxMetaData::getPath)
            .map(MailboxPath::getName)
            .collect(Collectors.toSet())
            .block();
        boolean onlyInbox = existing == null || existing.stream().allMatch(MailboxConstants.INBOX::equalsIgnoreCase);
        if (!onlyInbox) {
            return;
        }
        for (String name : DEFAULT_MAILBOXES) {
            if (existing != null && existing.stream().anyMatch(name::equalsIgnoreCase)) {
                continue;
            }
            try {
                mailboxes.createMailbox(MailboxPath.forUser(owner.getUser(), name),
                    MailboxManager.CreateOption.CREATE_SUBSCRIPTION, owner);
            } catch (MailboxExistsException createdMeanwhile) {
                // another session of the same user got there first
            } catch (MailboxException e) {
                throw new IllegalStateException("cannot create " + name, e);
            }
        }
        LOGGER.info("created the default mailboxes of {}", owner.getUser().asString());
    }

    @Override
    public void configure(ImapConfiguration imapConfiguration) {
        next.configure(imapConfiguration);
    }
}
