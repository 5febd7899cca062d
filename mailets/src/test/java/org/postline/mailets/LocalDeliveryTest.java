package org.postline.mailets;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.sql.SQLTransientConnectionException;

import javax.mail.Flags;
import javax.mail.MessagingException;

import org.apache.james.core.MailAddress;
import org.apache.james.core.Username;
import org.apache.james.core.quota.QuotaCountLimit;
import org.apache.james.core.quota.QuotaCountUsage;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.exception.MailboxNotFoundException;
import org.apache.james.mailbox.exception.OverQuotaException;
import org.apache.james.mailbox.inmemory.manager.InMemoryIntegrationResources;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResult;
import org.apache.james.mailbox.model.MessageResultIterator;
import org.apache.mailet.Mail;
import org.apache.mailet.ProcessingState;
import org.apache.mailet.base.test.FakeMail;
import org.apache.mailet.base.test.FakeMailContext;
import org.apache.mailet.base.test.FakeMailetConfig;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postline.api.mailbox.DeliverySession;
import org.postline.api.queue.DeferredDelivery;

class LocalDeliveryTest {

    private FakeDirectory directory;
    private MailboxManager mailboxManager;
    private FakeMailContext context;

    @BeforeEach
    void setUp() throws Exception {
        directory = new FakeDirectory()
            .domain("example.org", "other.org")
            .user("alice@example.org", "bob@example.org", "carol@example.org", "admin@example.org");
        mailboxManager = InMemoryIntegrationResources.defaultResources().getMailboxManager();
        context = FakeMailContext.builder().postmaster(new MailAddress("admin@example.org")).build();
    }

    private LocalDelivery mailet(MailboxManager manager, String... params) throws MessagingException {
        FakeMailetConfig.Builder config = FakeMailetConfig.builder().mailetName("LocalDelivery").mailetContext(context);
        for (int i = 0; i < params.length; i += 2) {
            config.setProperty(params[i], params[i + 1]);
        }
        LocalDelivery mailet = new LocalDelivery(manager, directory.users, directory.domains);
        mailet.init(config.build());
        return mailet;
    }

    private static FakeMail mail(String sender, String... recipients) throws MessagingException {
        FakeMail.Builder builder = FakeMail.builder().name("m1")
            .mimeMessage(TestMessages.parse(TestMessages.SAMPLE))
            .recipients(recipients)
            .state(Mail.LOCAL_DELIVERY);
        if (sender != null) {
            builder.sender(sender);
        }
        return builder.build();
    }

    private List<MessageResult> inbox(String user) throws Exception {
        MailboxSession session = mailboxManager.createSystemSession(Username.of(user));
        MailboxPath inbox = MailboxPath.inbox(session);
        if (!Boolean.TRUE.equals(reactor.core.publisher.Mono.from(mailboxManager.mailboxExists(inbox, session)).block())) {
            return List.of();
        }
        MessageManager messages = mailboxManager.getMailbox(inbox, session);
        List<MessageResult> results = new ArrayList<>();
        MessageResultIterator iterator = messages.getMessages(MessageRange.all(), FetchGroup.FULL_CONTENT, session);
        iterator.forEachRemaining(results::add);
        return results;
    }

    private static byte[] content(MessageResult message) throws Exception {
        try (InputStream in = message.getFullContent().getInputStream()) {
            return in.readAllBytes();
        }
    }

    private static byte[] expected(String returnPath, String deliveredTo) {
        byte[] headers = ("Return-Path: " + returnPath + "\r\nDelivered-To: " + deliveredTo + "\r\n").getBytes(UTF_8);
        return TestMessages.concat(headers, TestMessages.SAMPLE);
    }

    @Test
    void storesTheMessageByteExactAfterReturnPathAndDeliveredTo() throws Exception {
        FakeMail mail = mail("sender@remote.net", "alice@example.org", "bob@example.org");
        mailet(mailboxManager).service(mail);

        assertThat(mail.getRecipients()).isEmpty();
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        List<MessageResult> alice = inbox("alice@example.org");
        assertThat(alice).hasSize(1);
        assertThat(content(alice.get(0))).isEqualTo(expected("<sender@remote.net>", "alice@example.org"));
        assertThat(alice.get(0).getFlags().contains(Flags.Flag.RECENT)).isTrue();
        assertThat(alice.get(0).getFlags().contains(Flags.Flag.SEEN)).isFalse();
        assertThat(alice.get(0).getInternalDate()).isNotNull();
        assertThat(inbox("bob@example.org")).singleElement()
            .satisfies(message -> assertThat(content(message)).isEqualTo(expected("<sender@remote.net>", "bob@example.org")));
    }

    @Test
    void sameRecipientTwiceInDifferentCaseIsDeliveredOnce() throws Exception {
        FakeMail mail = mail("sender@remote.net", "alice@example.org", "ALICE@example.org");
        mailet(mailboxManager).service(mail);

        assertThat(inbox("alice@example.org")).hasSize(1);
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void nullSenderGetsAnEmptyReturnPath() throws Exception {
        FakeMail mail = mail(null, "alice@example.org");
        mailet(mailboxManager).service(mail);

        assertThat(inbox("alice@example.org")).singleElement()
            .satisfies(message -> assertThat(content(message)).isEqualTo(expected("<>", "alice@example.org")));
    }

    @Test
    void existingInboxIsReusedAndUserIsMatchedWithoutRegardToCase() throws Exception {
        mailet(mailboxManager).service(mail("sender@remote.net", "alice@example.org"));
        mailet(mailboxManager).service(mail("sender@remote.net", "Alice@Example.ORG"));

        List<MessageResult> alice = inbox("alice@example.org");
        assertThat(alice).hasSize(2);
        assertThat(new String(content(alice.get(1)), UTF_8)).contains("Delivered-To: Alice@example.org\r\n");
    }

    @Test
    void oneFailingRecipientNeitherDuplicatesNorLosesTheOthers() throws Exception {
        MailboxManager failingForBob = failingFor("bob@example.org", mailboxManager);
        FakeMail mail = mail("sender@remote.net", "alice@example.org", "bob@example.org", "carol@example.org");
        mailet(failingForBob, "errorProcessor", "delivery-error").service(mail);

        assertThat(inbox("alice@example.org")).hasSize(1);
        assertThat(inbox("carol@example.org")).hasSize(1);
        assertThat(inbox("bob@example.org")).isEmpty();
        assertThat(mail.getRecipients()).extracting(MailAddress::asString).containsExactly("bob@example.org");
        assertThat(mail.getState()).isEqualTo("delivery-error");
        assertThat(mail.getErrorMessage()).contains("1 of 3").contains("bob@example.org").contains("simulated outage");
        assertThat(context.getSentMails()).isEmpty();

        // Once the store is healthy again, handling the same mail delivers bob only: nobody gets a second copy.
        mail.setState(Mail.LOCAL_DELIVERY);
        mailet(mailboxManager).service(mail);
        assertThat(inbox("alice@example.org")).hasSize(1);
        assertThat(inbox("bob@example.org")).hasSize(1);
        assertThat(inbox("carol@example.org")).hasSize(1);
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void aContendedDatabaseDefersOnlyTheFailedRecipientsAndTheRetryDeliversEachOnce() throws Exception {
        AtomicInteger failuresLeft = new AtomicInteger(1);
        MailboxManager deadlockForBob = appendFailingFor("bob@example.org", mailboxManager, failuresLeft,
            () -> new MailboxException("Mailbox database stayed contended after 8 attempts",
                new SQLTransactionRollbackException("deadlock", "40001")));
        FakeMail mail = mail("sender@remote.net", "alice@example.org", "bob@example.org", "carol@example.org");

        assertThatThrownBy(() -> mailet(deadlockForBob).service(mail))
            .isInstanceOf(MessagingException.class)
            .hasRootCauseInstanceOf(SQLTransactionRollbackException.class)
            .satisfies(e -> assertThat(e.getCause()).isInstanceOf(DeferredDelivery.class));
        assertThat(mail.getRecipients()).extracting(MailAddress::asString).containsExactly("bob@example.org");
        assertThat(mail.getState()).isEqualTo(Mail.LOCAL_DELIVERY);
        assertThat(inbox("alice@example.org")).hasSize(1);
        assertThat(inbox("bob@example.org")).isEmpty();

        // The spool's retry hands the same mail, now holding bob only, to the mailet again.
        mailet(deadlockForBob).service(mail);
        assertThat(inbox("alice@example.org")).hasSize(1);
        assertThat(inbox("bob@example.org")).hasSize(1);
        assertThat(inbox("carol@example.org")).hasSize(1);
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void anInboxGoneBetweenLookupAndAppendIsLookedUpAgainAndDeliveredOnce() throws Exception {
        AtomicInteger failuresLeft = new AtomicInteger(1);
        MailboxManager renamedMeanwhile = appendFailingFor("bob@example.org", mailboxManager, failuresLeft,
            () -> new MailboxNotFoundException("INBOX renamed by another node"));
        FakeMail mail = mail("sender@remote.net", "alice@example.org", "bob@example.org");

        mailet(renamedMeanwhile).service(mail);

        assertThat(failuresLeft.get()).isNegative();
        assertThat(inbox("alice@example.org")).hasSize(1);
        assertThat(inbox("bob@example.org")).hasSize(1);
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void deliversInSessionsMarkedAsDeliverySessions() throws Exception {
        List<MailboxSession> sessions = new ArrayList<>();
        MailboxManager recording = (MailboxManager) Proxy.newProxyInstance(LocalDeliveryTest.class.getClassLoader(),
            new Class<?>[] {MailboxManager.class}, (proxy, method, args) -> {
                if (method.getName().equals("getMailbox") && args[args.length - 1] instanceof MailboxSession session) {
                    sessions.add(session);
                }
                return invoke(mailboxManager, method, args);
            });

        mailet(recording).service(mail("sender@remote.net", "alice@example.org"));

        assertThat(sessions).isNotEmpty().allSatisfy(session ->
            assertThat(session.getAttributes()).containsKey(DeliverySession.ATTRIBUTE));
    }

    @Test
    void connectionFailureLockTimeOutAndStoreFailureAreTransient() {
        assertThat(LocalDelivery.isTransient(new MailboxException("x", new SQLException("lock", "40XL1")))).isTrue();
        assertThat(LocalDelivery.isTransient(new MailboxException("x", new SQLException("gone", "08006")))).isTrue();
        assertThat(LocalDelivery.isTransient(new MailboxException("x", new SQLTransientConnectionException("pool")))).isTrue();
        assertThat(LocalDelivery.isTransient(new MailboxException("x", new java.io.IOException("disk")))).isTrue();
        assertThat(LocalDelivery.isTransient(new MailboxException("x"))).isFalse();
        assertThat(LocalDelivery.isTransient(new MailboxException("x", new SQLException("bad", "42X05")))).isFalse();
        assertThat(LocalDelivery.isTransient(new MessagingException("no such local user"))).isFalse();
    }

    @Test
    void overQuotaIsPermanentAndGoesToTheErrorProcessor() throws Exception {
        MailboxManager overQuota = appendFailingFor("bob@example.org", mailboxManager, new AtomicInteger(1),
            () -> new OverQuotaException("over quota", QuotaCountLimit.count(10), QuotaCountUsage.count(10)));
        FakeMail mail = mail("sender@remote.net", "alice@example.org", "bob@example.org");
        mailet(overQuota).service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.ERROR);
        assertThat(mail.getRecipients()).extracting(MailAddress::asString).containsExactly("bob@example.org");
        assertThat(inbox("alice@example.org")).hasSize(1);
    }

    @Test
    void defaultErrorProcessorIsError() throws Exception {
        FakeMail mail = mail("sender@remote.net", "bob@example.org");
        mailet(failingFor("bob@example.org", mailboxManager)).service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.ERROR);
    }

    @Test
    void unknownLocalRecipientIsAnErrorNotAMailbox() throws Exception {
        FakeMail mail = mail("sender@remote.net", "nobody@example.org", "alice@example.org");
        mailet(mailboxManager).service(mail);

        assertThat(inbox("nobody@example.org")).isEmpty();
        assertThat(inbox("alice@example.org")).hasSize(1);
        assertThat(mail.getRecipients()).extracting(MailAddress::asString).containsExactly("nobody@example.org");
        assertThat(mail.getState()).isEqualTo(Mail.ERROR);
        assertThat(mail.getErrorMessage()).contains("nobody@example.org: MessagingException: no such local user");
    }

    @Test
    void postmasterOfEveryLocalDomainLandsInThePostmastersInbox() throws Exception {
        FakeMail mail = mail("sender@remote.net", "postmaster@other.org", "PostMaster@example.org");
        mailet(mailboxManager).service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        List<MessageResult> admin = inbox("admin@example.org");
        assertThat(admin).hasSize(2);
        assertThat(content(admin.get(0))).isEqualTo(expected("<sender@remote.net>", "postmaster@other.org"));
        assertThat(content(admin.get(1))).isEqualTo(expected("<sender@remote.net>", "PostMaster@example.org"));
    }

    @Test
    void configuredPostmasterWithoutAnAccountStillGetsItsMail() throws Exception {
        context = FakeMailContext.builder().postmaster(new MailAddress("postmaster@example.org")).build();
        FakeMail mail = mail("sender@remote.net", "postmaster@example.org", "postmaster@other.org");
        mailet(mailboxManager).service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
        assertThat(inbox("postmaster@example.org")).hasSize(2);
    }

    @Test
    void postmasterOfAForeignDomainIsNotOurs() throws Exception {
        FakeMail mail = mail("sender@remote.net", "postmaster@remote.net");
        mailet(mailboxManager).service(mail);

        assertThat(mail.getState()).isEqualTo(Mail.ERROR);
        assertThat(inbox("admin@example.org")).isEmpty();
    }

    @Test
    void largeBinaryishBodyIsKeptExactly() throws Exception {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            body.append("line ").append(i).append(i % 7 == 0 ? " ÿ€\r\n" : "\r\n");
        }
        byte[] raw = ("Subject: big\r\n\r\n" + body).getBytes(UTF_8);
        FakeMail mail = FakeMail.builder().name("big").mimeMessage(TestMessages.parse(raw))
            .recipients("alice@example.org").sender("sender@remote.net").build();
        mailet(mailboxManager).service(mail);

        byte[] headers = "Return-Path: <sender@remote.net>\r\nDelivered-To: alice@example.org\r\n".getBytes(UTF_8);
        assertThat(inbox("alice@example.org")).singleElement()
            .satisfies(message -> assertThat(content(message)).isEqualTo(TestMessages.concat(headers, raw)));
    }

    @Test
    void declaresItsErrorProcessorAndRejectsUnknownParameters() throws Exception {
        assertThat(mailet(mailboxManager).requiredProcessingState()).containsExactly(new ProcessingState("error"));
        assertThat(mailet(mailboxManager, "errorProcessor", "x").requiredProcessingState())
            .containsExactly(new ProcessingState("x"));
        assertThatThrownBy(() -> mailet(mailboxManager, "errorProcesor", "x")).isInstanceOf(MessagingException.class);
        assertThatThrownBy(() -> mailet(mailboxManager, "errorProcessor", " ")).isInstanceOf(MessagingException.class);
    }

    /** The real manager, except that every mailbox lookup for {@code user} fails as a broken store would. */
    /** The real manager, but appending to {@code user}'s mailboxes throws {@code failure} while failures are left. */
    static MailboxManager appendFailingFor(String user, MailboxManager real, AtomicInteger failuresLeft,
                                           Supplier<MailboxException> failure) {
        Username failing = Username.of(user);
        return (MailboxManager) Proxy.newProxyInstance(LocalDeliveryTest.class.getClassLoader(),
            new Class<?>[] {MailboxManager.class}, (proxy, method, args) -> {
                Object result = invoke(real, method, args);
                if (result instanceof MessageManager messages && method.getName().equals("getMailbox")
                    && args[args.length - 1] instanceof MailboxSession session && session.getUser().equals(failing)) {
                    return Proxy.newProxyInstance(LocalDeliveryTest.class.getClassLoader(),
                        new Class<?>[] {MessageManager.class}, (p, m, a) -> {
                            if (m.getName().equals("appendMessage") && failuresLeft.getAndDecrement() > 0) {
                                throw failure.get();
                            }
                            return invoke(messages, m, a);
                        });
                }
                return result;
            });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    static MailboxManager failingFor(String user, MailboxManager real) {
        Username failing = Username.of(user);
        return (MailboxManager) Proxy.newProxyInstance(LocalDeliveryTest.class.getClassLoader(),
            new Class<?>[] {MailboxManager.class}, (proxy, method, args) -> {
                if (method.getName().startsWith("getMailbox") || method.getName().startsWith("createMailbox")) {
                    for (Object arg : args) {
                        if (arg instanceof MailboxSession session && session.getUser().equals(failing)) {
                            throw new MailboxException("simulated outage");
                        }
                    }
                }
                try {
                    return method.invoke(real, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
    }
}
