package org.postline.protocols.pop3;

import java.nio.file.Path;
import java.util.Objects;
import org.apache.james.mailbox.MailboxManager;
import org.postline.api.directory.Users;

/**
 * What every POP3 listener of a server shares: its name, the users, the mailboxes, where generated TLS
 * material goes ({@code varDirectory/tls/}), and the maildrop locks, so that a user logged in on port 110
 * cannot open the same maildrop again on port 995. Give every POP3 listener the same instance.
 */
public record Pop3Context(String hostName, Users users, MailboxManager mailboxes, Path varDirectory,
                          MaildropLocks maildropLocks) {

    public Pop3Context {
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(mailboxes, "mailboxes");
        Objects.requireNonNull(varDirectory, "varDirectory");
        Objects.requireNonNull(maildropLocks, "maildropLocks");
    }

    /** A context with its own, fresh maildrop locks. */
    public Pop3Context(String hostName, Users users, MailboxManager mailboxes, Path varDirectory) {
        this(hostName, users, mailboxes, varDirectory, new MaildropLocks());
    }
}
