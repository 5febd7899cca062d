package org.postline.container.matchers;

import java.util.Collection;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;

/** Every recipient: what a mailet without match= runs under (the container does not need the standard All). */
public class MatchAll extends GenericMatcher {
    @Override
    public Collection<MailAddress> match(Mail mail) {
        return mail.getRecipients();
    }
}
