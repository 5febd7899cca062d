package org.postline.container.matchers;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.Matcher;
import org.apache.mailet.base.GenericMatcher;

/** Base for And, Or, Not and Xor. The container creates, initialises and destroys the children. */
public abstract class GenericCompositeMatcher extends GenericMatcher implements CompositeMatcher {

    private final List<Matcher> children = new CopyOnWriteArrayList<>();

    @Override
    public void add(Matcher child) {
        children.add(child);
    }

    @Override
    public List<Matcher> children() {
        return List.copyOf(children);
    }

    /** What one child matched, as a set in the mail's recipient order; null counts as nothing. */
    protected static Set<MailAddress> matchedBy(Matcher child, Mail mail) throws MessagingException {
        Collection<MailAddress> result = child.match(mail);
        Set<MailAddress> out = new LinkedHashSet<>();
        if (result != null) {
            out.addAll(result);
        }
        return out;
    }

    /** The mail's recipients that are in {@code set}, in the mail's order. */
    protected static List<MailAddress> inMailOrder(Mail mail, Set<MailAddress> set) {
        List<MailAddress> out = new ArrayList<>();
        for (MailAddress recipient : mail.getRecipients()) {
            if (set.contains(recipient)) {
                out.add(recipient);
            }
        }
        return out;
    }
}
