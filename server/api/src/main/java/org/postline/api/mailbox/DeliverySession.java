package org.postline.api.mailbox;

/**
 * Marks a mailbox session as local delivery's: the store may then resolve the recipient's mailbox by path from
 * memory instead of the database, checking it when the message is appended. An append into a mailbox deleted or
 * renamed meanwhile (by any node) fails with James's {@code MailboxNotFoundException}; the deliverer looks the
 * path up again and retries. Other sessions (IMAP, POP3) always read the database.
 */
public final class DeliverySession {

    /** The key of the {@code MailboxSession} attribute that marks the session; its value is ignored. */
    public static final String ATTRIBUTE = "org.postline.api.mailbox.DeliverySession";

    private DeliverySession() {
    }
}
