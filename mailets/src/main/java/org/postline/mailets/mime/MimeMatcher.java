package org.postline.mailets.mime;

import java.io.IOException;
import java.util.Collection;
import java.util.List;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A matcher on the message's MIME structure, parsed within {@link MimeLimits#DEFAULTS}. Malformed MIME never
 * throws out of the matcher: it matches nothing, with a log line (use AttachmentPolicy with onMalformed=error
 * where a policy must fail closed).
 */
public abstract class MimeMatcher extends GenericMatcher {

    private static final Logger LOG = LoggerFactory.getLogger(MimeMatcher.class);

    @Override
    public final void init() throws MessagingException {
        try {
            configure(getCondition() == null ? "" : getCondition().trim());
        } catch (IllegalArgumentException e) {
            throw new MessagingException(getMatcherName() + ": " + e.getMessage(), e);
        }
    }

    /** Reads the condition; IllegalArgumentException for a bad one. */
    protected abstract void configure(String condition);

    protected abstract boolean matches(MimeEntity message);

    @Override
    public final Collection<MailAddress> match(Mail mail) {
        try {
            byte[] bytes = RewrittenMessage.bytesOf(mail.getMessage());
            return matches(MimeTree.parse(bytes, MimeLimits.DEFAULTS)) ? mail.getRecipients() : List.of();
        } catch (MalformedMimeException | MessagingException | IOException | RuntimeException e) {
            LOG.warn("{}: mail {}: malformed MIME ({}); no match", getMatcherName(), mail.getName(),
                    e instanceof MalformedMimeException ? e.getMessage() : e.toString());
            return List.of();
        }
    }
}
