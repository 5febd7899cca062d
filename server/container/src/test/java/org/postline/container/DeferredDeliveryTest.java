package org.postline.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLTransactionRollbackException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxManager;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.MessageManager;
import org.apache.james.mailbox.exception.MailboxException;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResultIterator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.SpoolConfig;
import org.postline.container.testkit.TestEnv;
import reactor.core.publisher.Mono;

/**
 * LocalDelivery over a spool whose mailbox append fails for one user the way a contended database does: the
 * failed recipients wait in the spool and are retried from LocalDelivery on; nobody gets a second copy.
 */
class DeferredDeliveryTest {

    private static final String REC = "org.postline.container.testkit.RecordingMailet";
    private static final byte[] MESSAGE = TestEnv.MESSAGE.getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    private final TestEnv env = new TestEnv();
    private final AtomicInteger appendFailuresLeft = new AtomicInteger();
    private MailboxManager real;
    private MailetContainer container;

    @AfterEach
    void close() {
        if (container != null) {
            container.close();
        }
    }

    private void start(String root) throws Exception {
        real = env.mailboxes;
        env.mailboxes = appendFailingFor(Username.of("bob@example.org"));
        env.spoolConfig = new SpoolConfig(2, 3, Duration.ofMillis(50), 1000);
        container = MailetContainer.load(TestEnv.write(dir, TestEnv.pipeline(root)), env.environment());
        container.start();
        env.spool.put(TestEnv.envelope("carol@example.net", Optional.empty(), "alice@example.org", "bob@example.org"),
                MESSAGE);
    }

    @Test
    void aTransientFailureIsRetriedAtLocalDeliveryForTheFailedRecipientOnly() throws Exception {
        appendFailuresLeft.set(1);
        start("<mailet match=\"All\" class=\"" + REC + "\"><id>before</id></mailet>"
                + "<mailet match=\"All\" class=\"LocalDelivery\"/>");

        await("bob delivered on the retry", () -> inbox("bob@example.org").size() == 1);
        await("spool empty", () -> env.spool.size() == 0);
        assertThat(inbox("alice@example.org")).hasSize(1);
        assertThat(inbox("bob@example.org")).hasSize(1);
        assertThat(env.recorder.eventsOf("before")).as("the retry resumes at LocalDelivery").hasSize(1);
        assertThat(env.repositories.repo("error").list()).isEmpty();
    }

    @Test
    void aPartWhoseMessageChangedIsSpooledAnewWithItsChanges() throws Exception {
        appendFailuresLeft.set(1);
        start("<mailet match=\"All\" class=\"SetMimeHeader\"><name>X-Seen</name><value>once</value></mailet>"
                + "<mailet match=\"All\" class=\"LocalDelivery\"/>");

        await("bob delivered on the retry", () -> inbox("bob@example.org").size() == 1);
        await("spool empty", () -> env.spool.size() == 0);
        assertThat(inbox("alice@example.org")).singleElement().satisfies(m -> assertThat(m).contains("X-Seen: once"));
        assertThat(inbox("bob@example.org")).singleElement().satisfies(m -> assertThat(m).contains("X-Seen: once")
                .contains("Delivered-To: bob@example.org"));
        assertThat(env.repositories.repo("error").list()).isEmpty();
    }

    @Test
    void aFailureThatOutlastsTheAttemptsEndsInTheErrorProcessorWithTheUndeliveredRecipientOnly() throws Exception {
        appendFailuresLeft.set(Integer.MAX_VALUE);
        start("<mailet match=\"All\" class=\"LocalDelivery\"/>");

        await("in the error repository", () -> env.repositories.repo("error").list().size() == 1);
        await("spool empty", () -> env.spool.size() == 0);
        assertThat(env.repositories.repo("error").envelopes()).singleElement()
                .satisfies(e -> assertThat(e.recipients()).containsExactly("bob@example.org"));
        assertThat(inbox("alice@example.org")).hasSize(1);
        assertThat(inbox("bob@example.org")).isEmpty();
    }

    private MailboxManager appendFailingFor(Username failing) {
        return (MailboxManager) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {MailboxManager.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    if (result instanceof MessageManager messages && method.getName().equals("getMailbox")
                            && args[args.length - 1] instanceof MailboxSession session && session.getUser().equals(failing)) {
                        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {MessageManager.class},
                                (p, m, a) -> {
                                    if (m.getName().equals("appendMessage") && appendFailuresLeft.getAndDecrement() > 0) {
                                        throw new MailboxException("Mailbox database stayed contended after 8 attempts",
                                                new SQLTransactionRollbackException("deadlock", "40001"));
                                    }
                                    return invoke(messages, m, a);
                                });
                    }
                    return result;
                });
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private List<String> inbox(String user) {
        try {
            MailboxSession session = real.createSystemSession(Username.of(user));
            MailboxPath path = MailboxPath.inbox(session);
            if (!Boolean.TRUE.equals(Mono.from(real.mailboxExists(path, session)).block())) {
                return List.of();
            }
            List<String> messages = new ArrayList<>();
            MessageResultIterator results = real.getMailbox(path, session)
                    .getMessages(MessageRange.all(), FetchGroup.FULL_CONTENT, session);
            while (results.hasNext()) {
                try (InputStream content = results.next().getFullContent().getInputStream()) {
                    messages.add(new String(content.readAllBytes(), StandardCharsets.US_ASCII));
                }
            }
            return messages;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for: " + what);
            }
            Thread.sleep(10);
        }
    }
}
