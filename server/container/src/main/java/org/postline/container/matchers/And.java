package org.postline.container.matchers;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.Matcher;

/** Recipients matched by every child (none when there are no children). */
public class And extends GenericCompositeMatcher {
    @Override
    public Collection<MailAddress> match(Mail mail) throws MessagingException {
        List<Matcher> children = children();
        if (children.isEmpty()) {
            return List.of();
        }
        Set<MailAddress> common = new LinkedHashSet<>(mail.getRecipients());
        for (Matcher child : children) {
            common.retainAll(matchedBy(child, mail));
            if (common.isEmpty()) {
                break;
            }
        }
        return inMailOrder(mail, common);
    }
}
