package org.postline.matchers;

import java.util.Optional;

import javax.inject.Inject;

import org.apache.james.core.MailAddress;
import org.apache.mailet.base.GenericRecipientMatcher;
import org.postline.api.directory.Domains;
import org.postline.api.directory.Users;
import org.postline.mailets.LocalRecipients;

/**
 * Matches the postmaster recipients: {@code postmaster@} any local domain (any case) and the configured postmaster
 * address. Useful to exempt them from checks that must never refuse them (RFC 5321 section 4.5.1). No condition.
 */
public class IsPostmaster extends GenericRecipientMatcher {

    private final LocalRecipients localRecipients;

    @Inject
    public IsPostmaster(Users users, Domains domains) {
        this.localRecipients = new LocalRecipients(users, domains);
    }

    @Override
    public boolean matchRecipient(MailAddress recipient) {
        return localRecipients.isPostmaster(recipient, Optional.ofNullable(getMailetContext().getPostmaster()));
    }

    @Override
    public String getMatcherInfo() {
        return "Postline IsPostmaster: postmaster@ every local domain and the configured postmaster";
    }
}
