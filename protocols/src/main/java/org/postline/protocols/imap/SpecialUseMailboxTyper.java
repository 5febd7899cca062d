package org.postline.protocols.imap;

import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.api.process.MailboxType;
import org.apache.james.imap.api.process.MailboxTyper;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.model.MailboxPath;

/**
 * The SPECIAL-USE attributes (RFC 6154) of a user's own top-level mailboxes, by name: Postline's defaults
 * (Sent, Drafts, Trash, Junk) and James's (Spam, Archive). James's own typer knows "Spam" but not "Junk".
 */
final class SpecialUseMailboxTyper implements MailboxTyper {

    @Override
    public MailboxType getMailboxType(ImapSession session, MailboxPath path) {
        MailboxSession owner = session.getMailboxSession();
        if (owner == null || !path.belongsTo(owner)) {
            return MailboxType.OTHER;
        }
        if (path.isInbox()) {
            return MailboxType.INBOX;
        }
        return switch (path.getName()) {
            case "Sent" -> MailboxType.SENT;
            case "Drafts" -> MailboxType.DRAFTS;
            case "Trash" -> MailboxType.TRASH;
            case "Junk", "Spam" -> MailboxType.SPAM;
            case "Archive" -> MailboxType.ARCHIVE;
            default -> MailboxType.OTHER;
        };
    }
}
