package org.postline.mailets;

import java.util.Optional;

import org.apache.james.core.MailAddress;
import org.postline.api.directory.Domains;
import org.postline.api.directory.Users;

/**
 * Who owns a mailbox here: a user, or (RFC 5321 section 4.5.1) the configured postmaster for
 * {@code postmaster@} any local domain that is not itself a user. Shared by LocalDelivery and the matchers so that
 * "is deliverable" means the same thing everywhere. Thread-safe if the directory is.
 */
public final class LocalRecipients {

    private static final String POSTMASTER = "postmaster";

    private final Users users;
    private final Domains domains;

    public LocalRecipients(Users users, Domains domains) {
        this.users = users;
        this.domains = domains;
    }

    public boolean isLocalDomain(MailAddress address) {
        return domains.isLocal(address.getDomain().asString());
    }

    public boolean isUser(MailAddress address) {
        return users.exists(RecipientResolver.key(address));
    }

    /** {@code postmaster@<local domain>} (any case), or the configured postmaster address itself. */
    public boolean isPostmaster(MailAddress address, Optional<MailAddress> configuredPostmaster) {
        return (address.getLocalPart().equalsIgnoreCase(POSTMASTER) && isLocalDomain(address))
            || configuredPostmaster.map(address::equals).orElse(false);
    }

    /**
     * The address whose INBOX receives mail for {@code recipient}: the recipient itself if it is a user, else the
     * configured postmaster if the recipient is a postmaster address (the postmaster's mailbox is used even before
     * an account of that name exists), else empty.
     */
    public Optional<MailAddress> mailboxOwner(MailAddress recipient, Optional<MailAddress> configuredPostmaster) {
        if (isUser(recipient)) {
            return Optional.of(recipient);
        }
        if (isPostmaster(recipient, configuredPostmaster)) {
            return configuredPostmaster;
        }
        return Optional.empty();
    }
}
