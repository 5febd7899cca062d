package org.postline.container.matchers;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.Matcher;

/** Recipients matched by no child. */
public class Not extends GenericCompositeMatcher {
    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        Set<MailAddress> rest = new LinkedHashSet<>(mail.getRecipients());
        for (Matcher child : children()) {
            rest.removeAll(matchedBy(child, mail));
        }
        return inMailOrder(mail, rest);
    }
}
