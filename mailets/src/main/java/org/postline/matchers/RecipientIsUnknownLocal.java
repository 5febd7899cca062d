package org.postline.matchers;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

import javax.inject.Inject;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.mailet.base.GenericRecipientMatcher;
import org.postline.api.directory.Domains;
import org.postline.api.directory.RecipientRewrites;
import org.postline.api.directory.Users;
import org.postline.mailets.LocalRecipients;
import org.postline.mailets.RecipientResolver;

/**
 * Matches the recipients that nobody here can take: their domain is local, yet they are not a user, not a
 * postmaster address (RFC 5321 section 4.5.1: {@code postmaster@} every local domain, and the configured postmaster),
 * and no rewrite rule (alias, forward, domain alias, catch-all) would change them. Meant for the transport
 * processor, after {@code RecipientRewriteTable}, to send them to {@code local-address-error}. No condition.
 */
public class RecipientIsUnknownLocal extends GenericRecipientMatcher {

    private final LocalRecipients localRecipients;
    private final Users users;
    private final RecipientRewrites rewrites;
    private Optional<MailAddress> postmaster = Optional.empty();
    private RecipientResolver resolver;

    @Inject
    public RecipientIsUnknownLocal(Users users, Domains domains, RecipientRewrites rewrites) {
        this.localRecipients = new LocalRecipients(users, domains);
        this.users = users;
        this.rewrites = rewrites;
    }

    @Override
    public void init() throws MessagingException {
        postmaster = Optional.ofNullable(getMailetContext().getPostmaster());
        // Only single rewrite steps are asked of it, so the mapping limit plays no part here.
        resolver = new RecipientResolver(users, rewrites, 1, postmaster);
    }

    @Override
    public boolean matchRecipient(MailAddress recipient) {
        return localRecipients.isLocalDomain(recipient)
            && !localRecipients.isUser(recipient)
            && !localRecipients.isPostmaster(recipient, postmaster)
            && !rewrittenByARule(recipient);
    }

    private boolean rewrittenByARule(MailAddress recipient) {
        String self = recipient.asString().toLowerCase(Locale.ROOT);
        return resolver.rewriteStep(recipient)
            .map(targets -> !targets.stream().map(target -> target.toLowerCase(Locale.ROOT)).toList().equals(List.of(self)))
            .orElse(false);
    }

    @Override
    public String getMatcherInfo() {
        return "Postline RecipientIsUnknownLocal: local-domain recipients that are no user, postmaster or rewrite source";
    }
}
