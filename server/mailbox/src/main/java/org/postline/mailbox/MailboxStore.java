package org.postline.mailbox;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;

import javax.sql.DataSource;

import org.apache.james.events.EventBus;
import org.apache.james.events.InVMEventBus;
import org.apache.james.events.MemoryEventDeadLetters;
import org.apache.james.events.RetryBackoffConfiguration;
import org.apache.james.events.delivery.InVmEventDelivery;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.SubscriptionManager;
import org.apache.james.mailbox.acl.UnionMailboxACLResolver;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.quota.QuotaManager;
import org.apache.james.mailbox.quota.QuotaRootResolver;
import org.apache.james.mailbox.store.PreDeletionHooks;
import org.apache.james.mailbox.store.SessionProviderImpl;
import org.apache.james.mailbox.store.StoreMailboxAnnotationManager;
import org.apache.james.mailbox.store.StoreRightManager;
import org.apache.james.mailbox.store.StoreSubscriptionManager;
import org.apache.james.mailbox.AttachmentContentLoader;
import org.apache.james.mailbox.extractor.TextExtractor;
import org.apache.james.mailbox.store.extractor.DefaultTextExtractor;
import org.apache.james.mailbox.store.quota.QuotaComponents;
import org.apache.james.mailbox.store.search.MessageSearchIndex;
import org.apache.james.mailbox.store.search.SimpleMessageSearchIndex;
import org.apache.james.metrics.api.MetricFactory;
import org.postline.api.StoreException;
import org.postline.api.config.BodyStorage;
import org.postline.api.directory.Users;
import org.postline.mailbox.jdbc.JdbcMailboxSessionMapperFactory;
import org.postline.mailbox.jdbc.MailboxSchema;
import org.postline.mailbox.jdbc.PostlineMessageId;

/**
 * Users' mailboxes: James's StoreMailboxManager over Postline's JDBC mappers, with message bodies stored
 * once per distinct content under the blob directory. LocalDelivery, POP3 and IMAP share one instance.
 * <p>Quotas are disabled; search is James's in-memory scan; threads are guessed naively (DESIGN §5).
 */
public final class MailboxStore implements AutoCloseable {

    private final JdbcMailboxSessionMapperFactory mapperFactory;
    private final PostlineMailboxManager mailboxManager;
    private final StoreSubscriptionManager subscriptionManager;
    private final EventBus eventBus;
    private final QuotaComponents quotas;
    private final MetricFactory metricFactory;

    private MailboxStore(JdbcMailboxSessionMapperFactory mapperFactory, PostlineMailboxManager mailboxManager,
                         StoreSubscriptionManager subscriptionManager, EventBus eventBus, QuotaComponents quotas,
                         MetricFactory metricFactory) {
        this.mapperFactory = mapperFactory;
        this.mailboxManager = mailboxManager;
        this.subscriptionManager = subscriptionManager;
        this.eventBus = eventBus;
        this.quotas = quotas;
        this.metricFactory = metricFactory;
    }

    /**
     * Migrates the mailbox tables, removes bodies a crash left unreferenced, and wires the manager.
     * @throws StoreException if the database or the blob directory cannot be used
     */
    public static MailboxStore open(DataSource dataSource, Path blobDirectory, Users users) {
        return open(dataSource, blobDirectory, users, Clock.systemUTC());
    }

    /**
     * As {@link #open(DataSource, Path, Users)} with bodies as files under {@code blobDirectory} or in the
     * database ({@link BodyStorage#DATABASE}, for nodes sharing it).
     */
    public static MailboxStore open(DataSource dataSource, Path blobDirectory, BodyStorage bodies, Users users) {
        return open(dataSource, blobDirectory, users, Clock.systemUTC(), StoreSettings.DEFAULTS.withBodies(bodies));
    }

    /** As {@link #open(DataSource, Path, Users)} with a given clock (tests). */
    public static MailboxStore open(DataSource dataSource, Path blobDirectory, Users users, Clock clock) {
        return open(dataSource, blobDirectory, users, clock, StoreSettings.DEFAULTS);
    }

    static MailboxStore open(DataSource dataSource, Path blobDirectory, Users users, Clock clock,
                             StoreSettings settings) {
        try {
            MailboxSchema.migrate(dataSource);
            MessageId.Factory messageIds = new PostlineMessageId.Factory();
            JdbcMailboxSessionMapperFactory mapperFactory = new JdbcMailboxSessionMapperFactory(dataSource,
                blobDirectory, settings.bodies(), settings.inlineBodyBytes(), messageIds, clock);
            mapperFactory.collectUnreferencedBodies();

            MetricFactory metrics = new NoopMetricFactory();
            EventBus eventBus = new InVMEventBus(new InVmEventDelivery(metrics), RetryBackoffConfiguration.DEFAULT,
                new MemoryEventDeadLetters());
            UserLogins logins = new UserLogins(users);
            SessionProviderImpl sessionProvider = new SessionProviderImpl(logins, logins);
            StoreRightManager rights = new StoreRightManager(mapperFactory, new UnionMailboxACLResolver(), eventBus);
            StoreMailboxAnnotationManager annotations = new StoreMailboxAnnotationManager(mapperFactory, rights,
                settings.annotationsPerMailbox(), settings.annotationBytes());
            QuotaComponents quotas = QuotaComponents.disabled(sessionProvider, mapperFactory);
            TextExtractor textExtractor = new DefaultTextExtractor();
            AttachmentContentLoader noAttachments = (attachment, session) -> {
                throw new IOException("Postline stores no separate attachments");
            };
            MessageSearchIndex search = new HeaderScreenedSearchIndex(new SimpleMessageSearchIndex(
                new SearchableMessages(mapperFactory), mapperFactory, textExtractor, noAttachments),
                mapperFactory, textExtractor, noAttachments);
            PreDeletionHooks hooks = new PreDeletionHooks(settings.preDeletionHooks(), metrics);
            PostlineMailboxManager manager = new PostlineMailboxManager(mapperFactory, sessionProvider, logins,
                messageIds, annotations, eventBus, rights, quotas, search, hooks, clock);
            StoreSubscriptionManager subscriptions = new StoreSubscriptionManager(mapperFactory, mapperFactory, eventBus);
            return new MailboxStore(mapperFactory, manager, subscriptions, eventBus, quotas, metrics);
        } catch (StoreException e) {
            throw e;
        } catch (IOException | MailboxException | RuntimeException e) {
            // Flyway and the blob directory report as runtime or I/O failures.
            throw new StoreException("Cannot open the mailbox store: " + e.getMessage(), e);
        }
    }

    public MailboxManager mailboxManager() {
        return mailboxManager;
    }

    public SubscriptionManager subscriptionManager() {
        return subscriptionManager;
    }

    public EventBus eventBus() {
        return eventBus;
    }

    /** Always allows (quotas are disabled); IMAP's QUOTA commands need it. */
    public QuotaManager quotaManager() {
        return quotas.getQuotaManager();
    }

    public QuotaRootResolver quotaRootResolver() {
        return quotas.getQuotaRootResolver();
    }

    /** Records nothing; for IMAP's processor factory and ImapMetrics. */
    public MetricFactory metricFactory() {
        return metricFactory;
    }

    /** The mappers, for administration and tests. */
    public JdbcMailboxSessionMapperFactory mapperFactory() {
        return mapperFactory;
    }

    /** Nothing to release: the DataSource belongs to the caller, and every mapper call closes its connection. */
    @Override
    public void close() {
    }
}
