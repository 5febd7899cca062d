package org.postline.protocols.smtp;

import java.util.Locale;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MailHook;
import org.postline.api.config.RelayConfig;
import org.postline.api.config.SpoolConfig;
import org.postline.api.directory.RecipientRewrites;
import org.postline.api.directory.Rewrite;
import org.postline.api.queue.Spool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MAIL FROM policy: AUTH first where the listener requires it, back-pressure when the spool is too full,
 * and an authenticated user may send only as their own address or one of its ADDRESS aliases.
 * The null sender is always allowed.
 */
final class SenderPolicyHook implements MailHook {

    private static final Logger LOGGER = LoggerFactory.getLogger(SenderPolicyHook.class);

    private final String listener;
    private final boolean authRequired;
    private final Spool spool;
    private final SpoolConfig spoolConfig;
    private final RelayConfig relay;
    private final RecipientRewrites rewrites;

    SenderPolicyHook(String listener, boolean authRequired, Spool spool, SpoolConfig spoolConfig,
                     RelayConfig relay, RecipientRewrites rewrites) {
        this.listener = listener;
        this.authRequired = authRequired;
        this.spool = spool;
        this.spoolConfig = spoolConfig;
        this.relay = relay;
        this.rewrites = rewrites;
    }

    @Override
    public HookResult doMail(SMTPSession session, MaybeSender sender) {
        if (authRequired && session.getUsername() == null) {
            return Replies.reject("530", "5.7.0 Authentication required");
        }
        try {
            long queued = spool.size();
            if (queued > spoolConfig.maxQueued()) {
                LOGGER.warn("listener '{}': spool holds {} mails (limit {}); deferring new mail", listener, queued,
                        spoolConfig.maxQueued());
                return Replies.tryLater("452", "4.3.1 Insufficient system storage; try again later");
            }
            if (session.getUsername() != null && relay.senderMustBeOwnAddress() && !sender.isNullSender()) {
                String user = session.getUsername().asString().toLowerCase(Locale.ROOT);
                String from = Addresses.directoryForm(sender.get());
                if (!from.equals(user) && rewrites.targeting(user).stream()
                        .noneMatch(rule -> rule.kind() == Rewrite.Kind.ADDRESS && rule.source().equals(from))) {
                    return Replies.reject("550", "5.7.1 Sender address <" + Replies.printable(sender.get().asString())
                            + "> is not owned by user " + user);
                }
            }
        } catch (RuntimeException e) {
            LOGGER.error("listener '{}': checking MAIL FROM failed", listener, e);
            return Replies.tryLater("451", "4.3.0 Temporary failure; try again later");
        }
        return HookResult.DECLINED;
    }
}
