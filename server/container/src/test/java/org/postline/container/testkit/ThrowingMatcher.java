package org.postline.container.testkit;

import java.util.Collection;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

/** A matcher that always fails. */
public class ThrowingMatcher extends GenericMatcher {
    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        throw new MessagingException("matcher failed on purpose");
    }
}
