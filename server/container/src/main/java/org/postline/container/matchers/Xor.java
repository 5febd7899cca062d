package org.postline.container.matchers;

import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.Matcher;

/** Recipients matched by an odd number of children (pairwise exclusive or, as James does). */
public class Xor extends GenericCompositeMatcher {
    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        Set<MailAddress> result = new LinkedHashSet<>();
        for (Matcher child : children()) {
            Set<MailAddress> matched = matchedBy(child, mail);
            Set<MailAddress> both = new HashSet<>(result);
            both.retainAll(matched);
            result.addAll(matched);
            result.removeAll(both);
        }
        return inMailOrder(mail, result);
    }
}
