package org.postline.container.matchers;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.james.core.MailAddress;
import org.apache.mailet.Mail;
import org.apache.mailet.base.GenericMatcher;
import org.postline.container.auth.AuthResults;

/**
 * Matches mail whose client the SMTP listener found on a DNS blocklist configured with {@code action="tag"}
 * (postline.xml). Without a condition any such zone matches; {@code DnsblListed=bl.example.net,zen.example.org}
 * matches only those zones.
 */
public class DnsblListed extends GenericMatcher {

    private Set<String> zones = Set.of();

    @Override
    public void init() {
        String condition = getCondition();
        if (condition != null) {
            zones = Arrays.stream(condition.split(",")).map(z -> z.trim().toLowerCase(Locale.ROOT))
                    .filter(z -> !z.isEmpty()).collect(Collectors.toUnmodifiableSet());
        }
    }

    @Override
    public Collection<MailAddress> match(Mail mail) {
        List<String> listed = AuthResults.result(mail, AuthResults.DNSBL)
                .map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(z -> !z.isEmpty()).toList())
                .orElse(List.of());
        boolean matches = zones.isEmpty() ? !listed.isEmpty() : listed.stream().anyMatch(zones::contains);
        return matches ? mail.getRecipients() : List.of();
    }
}
