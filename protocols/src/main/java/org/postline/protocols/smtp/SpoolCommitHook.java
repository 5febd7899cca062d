package org.postline.protocols.smtp;

import org.apache.james.protocols.smtp.MailEnvelope;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.MessageHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the streamed message to the spool and only then answers {@code 250 2.0.0 Ok: queued as <id>};
 * if the spool fails the message is aborted (nothing half-stored) and the client told to try later.
 * Runs on the connection's Netty I/O thread: a commit waiting for the disk holds up that thread's connections, and
 * with the database spool also the commits of other threads queued behind it (one log sync serves them all).
 */
final class SpoolCommitHook implements MessageHook {

    private static final Logger LOGGER = LoggerFactory.getLogger(SpoolCommitHook.class);

    private final String listener;

    SpoolCommitHook(String listener) {
        this.listener = listener;
    }

    @Override
    public HookResult onMessage(SMTPSession session, MailEnvelope mail) {
        if (!(mail instanceof SpoolMailEnvelope message)) {
            return HookResult.DECLINED;
        }
        String name = message.envelope().name();
        try {
            String id = message.commit();
            LOGGER.info("listener '{}': queued {} ({} bytes, {} recipient(s)) from {} as {}", listener, name,
                    message.getSize(), message.getRecipients().size(),
                    session.getRemoteAddress().getAddress().getHostAddress(), id);
            return Replies.accept("250", "2.0.0 Ok: queued as " + id);
        } catch (RuntimeException e) {
            message.abort();
            LOGGER.error("listener '{}': the spool refused message {}", listener, name, e);
            return Replies.tryLater("451", "4.3.0 Temporary storage failure; message not accepted, try again later");
        }
    }
}
