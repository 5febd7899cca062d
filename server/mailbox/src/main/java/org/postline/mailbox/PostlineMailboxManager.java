package org.postline.mailbox;

import java.time.Clock;
import java.util.EnumSet;
import java.util.function.Predicate;

import javax.mail.Flags;

import org.apache.james.core.Username;
import org.apache.james.events.EventBus;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.SessionProvider;
import org.apache.james.mailbox.exception.BadCredentialsException;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.Mailbox;
import org.apache.james.mailbox.model.MessageId;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.store.JVMMailboxPathLocker;
import org.apache.james.mailbox.store.NoMailboxPathLocker;
import org.apache.james.mailbox.store.MailboxManagerConfiguration;
import org.apache.james.mailbox.store.MailboxSessionMapperFactory;
import org.apache.james.mailbox.store.MessageFactory;
import org.apache.james.mailbox.store.MessageStorer;
import org.apache.james.mailbox.store.PreDeletionHooks;
import org.apache.james.mailbox.store.StoreMailboxAnnotationManager;
import org.apache.james.mailbox.store.StoreMailboxManager;
import org.apache.james.mailbox.store.StoreMessageManager;
import org.apache.james.mailbox.store.StoreRightManager;
import org.apache.james.mailbox.store.mail.NaiveThreadIdGuessingAlgorithm;
import org.apache.james.mailbox.store.mail.model.impl.MessageParser;
import org.apache.james.mailbox.store.mail.FetchGroupConverter;
import org.apache.james.mailbox.store.quota.QuotaComponents;
import org.apache.james.mailbox.store.search.MessageSearchIndex;
import org.reactivestreams.Publisher;

/**
 * James's StoreMailboxManager with what Postline's store supports: user keywords (so PERMANENTFLAGS has
 * {@code \*}), MOVE, namespaces, annotations and unique message ids. Logins are resolved to the canonical
 * address first, so {@code alice} and {@code Alice@Example.org} open the same mailboxes.
 * <p>Appends, copies and moves take no JVM lock on the mailbox path: the mapper orders them with the mailbox
 * row lock, so appends to one mailbox may proceed together and commit in one group ({@code GroupedAppends})
 * instead of one sync after another. Mailbox creation, rename and deletion keep James's JVM lock (two racing
 * creations of one INBOX would otherwise contend on Derby's identity generator).
 */
final class PostlineMailboxManager extends StoreMailboxManager {

    private static final EnumSet<MailboxCapabilities> MAILBOX_CAPABILITIES = EnumSet.of(MailboxCapabilities.Move,
        MailboxCapabilities.UserFlag, MailboxCapabilities.Namespace, MailboxCapabilities.Annotation);
    private static final EnumSet<MessageCapabilities> MESSAGE_CAPABILITIES = EnumSet.of(MessageCapabilities.UniqueID);

    private final UserLogins logins;

    PostlineMailboxManager(MailboxSessionMapperFactory mapperFactory, SessionProvider sessionProvider, UserLogins logins,
                           MessageId.Factory messageIds, StoreMailboxAnnotationManager annotations, EventBus eventBus,
                           StoreRightManager rights, QuotaComponents quotas, MessageSearchIndex searchIndex,
                           PreDeletionHooks preDeletionHooks, Clock clock) {
        super(mapperFactory, sessionProvider, new JVMMailboxPathLocker(), new MessageParser(), messageIds, annotations,
            eventBus, rights, quotas, searchIndex, MailboxManagerConfiguration.DEFAULT, preDeletionHooks,
            new NaiveThreadIdGuessingAlgorithm(), clock);
        this.logins = logins;
    }

    @Override
    public EnumSet<MailboxCapabilities> getSupportedMailboxCapabilities() {
        return EnumSet.copyOf(MAILBOX_CAPABILITIES);
    }

    @Override
    public EnumSet<MessageCapabilities> getSupportedMessageCapabilities() {
        return EnumSet.copyOf(MESSAGE_CAPABILITIES);
    }

    @Override
    public AuthorizationStep authenticate(Username login, String password) {
        return new AuthorizationStep() {
            @Override
            public MailboxSession as(Username other) throws MailboxException {
                return canonicalStep().as(other);
            }

            @Override
            public MailboxSession withoutDelegation() throws MailboxException {
                return canonicalStep().withoutDelegation();
            }

            @Override
            public MailboxSession forMatchingUser(Predicate<Username> other) throws MailboxException {
                return canonicalStep().forMatchingUser(other);
            }

            // The password is checked once; the session is then opened for the canonical address.
            private AuthorizationStep canonicalStep() throws BadCredentialsException {
                Username canonical = logins.canonicalLogin(login.asString(), password)
                    .orElseThrow(BadCredentialsException::new);
                return getSessionProvider().authenticate(canonical);
            }
        };
    }

    @Override
    protected StoreMessageManager createMessageManager(Mailbox mailbox, MailboxSession session) {
        return new KeywordMessageManager(mailbox);
    }

    /** A message manager whose permanent flags include any user keyword. */
    private final class KeywordMessageManager extends StoreMessageManager {
        KeywordMessageManager(Mailbox mailbox) {
            super(MESSAGE_CAPABILITIES, getMapperFactory(), getMessageSearchIndex(), getEventBus(), new NoMailboxPathLocker(), mailbox,
                getQuotaComponents().getQuotaManager(), getQuotaComponents().getQuotaRootResolver(),
                configuration.getBatchSizes(), getStoreRightManager(), getPreDeletionHooks(),
                new MessageStorer.WithoutAttachment(getMapperFactory(), getMessageIdFactory(),
                    new MessageFactory.StoreMessageFactory(), getThreadIdGuessingAlgorithm(), getClock()));
        }

        @Override
        public Flags getPermanentFlags(MailboxSession session) {
            Flags flags = new Flags(super.getPermanentFlags(session));
            flags.add(Flags.Flag.USER);
            return flags;
        }

        /** As James's, but with header fields split by {@link HeaderFields} (see {@link SplitHeadersResult}). */
        @Override
        public Publisher<MessageResult> getMessagesReactive(MessageRange set, FetchGroup fetchGroup,
                                                            MailboxSession session) {
            return getMapperFactory().getMessageMapper(session)
                .findInMailboxReactive(getMailboxEntity(), set, FetchGroupConverter.getFetchType(fetchGroup), -1)
                .handle((message, sink) -> {
                    try {
                        sink.next(SplitHeadersResult.of(message, fetchGroup));
                    } catch (MailboxException e) {
                        sink.error(e);
                    }
                });
        }
    }
}
