package org.postline.container.matchers;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.Matcher;

/** Recipients matched by at least one child. */
public class Or extends GenericCompositeMatcher {
    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        Set<MailAddress> union = new LinkedHashSet<>();
        for (Matcher child : children()) {
            union.addAll(matchedBy(child, mail));
        }
        return inMailOrder(mail, union);
    }
}
