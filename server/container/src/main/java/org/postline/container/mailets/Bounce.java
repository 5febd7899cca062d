package org.postline.container.mailets;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.GenericMailet;
import org.postline.container.context.BounceMessages;
import org.postline.container.context.PostlineMailetContext;

/**
 * Sends the sender a non-delivery report (through {@code MailetContext.bounce}, so it re-enters the spool
 * with the null reverse path). Mail with the null sender is never bounced. Parameters: {@code notice} (the
 * reason; default: the mail's error message), {@code sender} (default: the postmaster), {@code attachment}
 * ({@code message} (default), {@code heads} or {@code none}: how much of the original goes back),
 * {@code passThrough} (default true: the mail continues to the next pair).
 */
public class Bounce extends GenericMailet {

    private Optional<String> notice;
    private MailAddress bouncer;
    private BounceMessages.Returned returned;
    private boolean passThrough;

    @Override
    public void init() throws MessagingException {
        checkInitParameters(Set.of("notice", "sender", "attachment", "passThrough"));
        notice = getInitParameterAsOptional("notice");
        Optional<String> sender = getInitParameterAsOptional("sender");
        bouncer = sender.isPresent() ? new MailAddress(sender.get().trim()) : null;
        String attachment = getInitParameter("attachment", "message").trim().toLowerCase(Locale.ROOT);
        returned = switch (attachment) {
            case "message", "all" -> BounceMessages.Returned.MESSAGE;
            case "heads", "headers" -> BounceMessages.Returned.HEADERS;
            case "none" -> BounceMessages.Returned.NONE;
            default -> throw new MailetException("attachment must be message, heads or none, not \"" + attachment + "\"");
        };
        passThrough = getInitParameter("passThrough", true);
    }

    @Override
    public void service(Mail mail) throws MessagingException {
        String reason = notice.orElseGet(() -> mail.getErrorMessage() == null ? "delivery failed" : mail.getErrorMessage());
        if (getMailetContext() instanceof PostlineMailetContext ours) {
            ours.bounce(mail, reason, bouncer, returned);
        } else {
            getMailetContext().bounce(mail, reason, bouncer == null ? getMailetContext().getPostmaster() : bouncer);
        }
        if (!passThrough) {
            mail.setState(Mail.GHOST);
        }
    }

    @Override
    public String getMailetInfo() {
        return "Bounce: sends the sender a non-delivery report";
    }
}
