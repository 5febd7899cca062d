package org.postline.protocols.imap;

import java.nio.file.Path;
import java.util.Objects;
import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.SubscriptionManager;
import org.apache.james.mailbox.quota.QuotaManager;
import org.apache.james.mailbox.quota.QuotaRootResolver;
import org.apache.james.metrics.api.MetricFactory;
import org.postline.api.directory.Users;

/**
 * What every IMAP listener of a server shares: the host name (greeting, self-signed certificate), the users,
 * the mailbox store's James interfaces (for {@code org.postline.mailbox.MailboxStore}: its
 * {@code mailboxManager()}, {@code subscriptionManager()}, {@code eventBus()}, {@code quotaManager()},
 * {@code quotaRootResolver()} and {@code metricFactory()}), and where generated TLS material goes
 * ({@code varDirectory/tls/}).
 * <p>Logins are checked by {@code mailboxes.authenticate(...)}, i.e. by the store's session provider, which for
 * the Postline store asks the same {@link Users}. The event bus must be the one the mailbox manager
 * dispatches to: that is how an idling session hears of mail LocalDelivery appended.
 */
public record ImapContext(String hostName, Users users, MailboxManager mailboxes, SubscriptionManager subscriptions,
                          EventBus eventBus, QuotaManager quotaManager, QuotaRootResolver quotaRootResolver,
                          MetricFactory metrics, Path varDirectory) {

    public ImapContext {
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(mailboxes, "mailboxes");
        Objects.requireNonNull(subscriptions, "subscriptions");
        Objects.requireNonNull(eventBus, "eventBus");
        Objects.requireNonNull(quotaManager, "quotaManager");
        Objects.requireNonNull(quotaRootResolver, "quotaRootResolver");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(varDirectory, "varDirectory");
    }
}
