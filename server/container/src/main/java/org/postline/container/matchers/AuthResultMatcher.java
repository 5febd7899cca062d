package org.postline.container.matchers;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import javax.mail.MessagingException;
import org.apache.james.core.MailAddress;
import org.apache.mailet.AttributeName;
import org.apache.mailet.Mail;
import org.apache.mailet.MailetException;
import org.apache.mailet.base.GenericMatcher;
import org.postline.container.auth.AuthResults;

/**
 * Matches all recipients when an authentication method recorded one of the results in the condition
 * ({@code SPFResultIs=fail,softfail}); a mail the check never ran on does not match.
 */
abstract class AuthResultMatcher extends GenericMatcher {

    private final AttributeName method;
    private final Set<String> known;
    private Set<String> wanted;

    AuthResultMatcher(AttributeName method, Set<String> known) {
        this.method = method;
        this.known = known;
    }

    @Override
    public void init() throws MessagingException {
        String condition = getCondition();
        if (condition == null || condition.isBlank()) {
            throw new MailetException("a condition is required: one or more of " + known + ", comma-separated");
        }
        wanted = Arrays.stream(condition.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT))
                .filter(s -> !s.isEmpty()).collect(Collectors.toUnmodifiableSet());
        for (String result : wanted) {
            if (!known.contains(result)) {
                throw new MailetException("\"" + result + "\" is not a result; expected some of " + known);
            }
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        return AuthResults.result(mail, method).filter(wanted::contains).isPresent()
                ? mail.getRecipients() : List.of();
    }
}
