package org.postline.protocols.smtp;

import java.util.Map;
import java.util.Set;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.HookReturnCode;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.postline.api.directory.Domains;
import org.postline.api.directory.RecipientRewrites;
import org.postline.api.directory.Rewrite;
import org.postline.api.directory.Users;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides every RCPT; it never declines, because a RCPT no hook decides is accepted by James (an open relay).
 * In order: the recipient limit; DSN parameter syntax; open-relay tricks in the local part (percent hack,
 * bang path, quoted or escaped '@') unless the client may relay anyway; then for a local domain a known
 * user, a rewrite source or postmaster is accepted and anything else is an unknown user; a foreign domain
 * is accepted only with relay rights (AUTH or a relay network).
 */
final class RecipientPolicyHook implements RcptHook {

    private static final Logger LOGGER = LoggerFactory.getLogger(RecipientPolicyHook.class);

    private final String listener;
    private final int maxRecipients;
    private final Domains domains;
    private final Users users;
    private final RecipientRewrites rewrites;

    RecipientPolicyHook(String listener, int maxRecipients, Domains domains, Users users, RecipientRewrites rewrites) {
        this.listener = listener;
        this.maxRecipients = maxRecipients;
        this.domains = domains;
        this.users = users;
        this.rewrites = rewrites;
    }

    @Override
    public Set<String> supportedParameters() {
        return Set.of("NOTIFY", "ORCPT");
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt, Map<String, String> parameters) {
        if (maxRecipients > 0 && session.getRcptCount() >= maxRecipients) {
            return Replies.tryLater("452", "4.5.3 Too many recipients (limit " + maxRecipients + " per message)");
        }
        DsnParameters.ParsedRecipient dsn = DsnParameters.parseRecipient(parameters);
        if (dsn.error().isPresent()) {
            return Replies.reject("501", "5.5.4 " + dsn.error().get());
        }
        HookResult decision;
        try {
            decision = decide(session, rcpt);
        } catch (RuntimeException e) {
            LOGGER.error("listener '{}': checking RCPT TO failed", listener, e);
            return Replies.tryLater("451", "4.3.0 Temporary failure; try again later");
        }
        if (decision.getResult().getAction() == HookReturnCode.Action.OK) {
            dsn.dsn().ifPresent(request -> DsnParameters.of(session).addRecipient(Addresses.directoryForm(rcpt), request));
        }
        return decision;
    }

    private HookResult decide(SMTPSession session, MailAddress rcpt) {
        String shown = "<" + Replies.printable(rcpt.asString()) + ">";
        boolean mayRelay = session.isRelayingAllowed();
        if (!mayRelay && isRoutingTrick(rcpt.getLocalPart())) {
            return Replies.reject("550", "5.7.1 " + shown + ": routing characters (% ! @) in the local part are not accepted");
        }
        String domain = rcpt.getDomain().asString();
        if (domains.isLocal(domain)) {
            return isLocalRecipient(rcpt, domain)
                    ? HookResult.OK
                    : Replies.reject("550", "5.1.1 " + shown + ": user unknown");
        }
        if (mayRelay) {
            return HookResult.OK;
        }
        if (session.getUsername() == null && session.isAuthAnnounced()) {
            return Replies.reject("530", "5.7.0 Authentication required to relay to " + shown);
        }
        return Replies.reject("550", "5.7.1 " + shown + ": relaying denied");
    }

    private boolean isLocalRecipient(MailAddress rcpt, String domain) {
        if (rcpt.getLocalPart().equalsIgnoreCase("postmaster")) {
            return true;
        }
        String address = Addresses.directoryForm(rcpt);
        if (users.exists(address) || !rewrites.forSource(address).isEmpty()) {
            return true;
        }
        return rewrites.forSource(domain).stream()
                .anyMatch(rule -> rule.kind() == Rewrite.Kind.DOMAIN || rule.kind() == Rewrite.Kind.CATCH_ALL);
    }

    /**
     * Local parts that older MTAs read as routes: "user%host" (percent hack), "host!user" (bang path), and
     * '@' hidden in a quoted or escaped local part. (Source routes "@a:u@b" never parse as an address.)
     */
    static boolean isRoutingTrick(String localPart) {
        return localPart.indexOf('%') >= 0 || localPart.indexOf('!') >= 0 || localPart.indexOf('@') >= 0;
    }
}
