package org.postline.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.SpoolConfig;
import org.postline.container.testkit.TestEnv;

/** The Camel routes over an in-memory spool: wake-up, workers, durable retry, dead letter. */
class SpoolRouteTest {

    private static final String REC = "org.postline.container.testkit.RecordingMailet";
    private static final byte[] MESSAGE = TestEnv.MESSAGE.getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dir;
    private final TestEnv env = new TestEnv();
    private MailetContainer container;

    @AfterEach
    void close() {
        if (container != null) {
            container.close();
        }
    }

    private void start(String root) throws Exception {
        container = MailetContainer.load(TestEnv.write(dir, TestEnv.pipeline(root)), env.environment());
        container.start();
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

    @Test
    void committedMailIsProcessedAndCompleted() throws Exception {
        start("<mailet match=\"All\" class=\"ToRepository\"><repository>done</repository></mailet>");
        for (int i = 0; i < 25; i++) {
            env.spool.put(TestEnv.envelope("carol@example.net", Optional.empty(), "alice@example.org"), MESSAGE);
        }
        await("25 mails stored", () -> env.repositories.repo("done").list().size() == 25);
        await("spool empty", () -> env.spool.size() == 0);
        assertThat(env.spool.completed()).hasSize(25);
        assertThat(env.repositories.repo("done").bytes(env.repositories.repo("done").list().get(0).id())).isEqualTo(MESSAGE);
    }

    @Test
    void mailAlreadyInTheSpoolAtStartIsProcessed() throws Exception {
        env.spool.put(TestEnv.envelope("carol@example.net", Optional.empty(), "alice@example.org"), MESSAGE);
        start("<mailet match=\"All\" class=\"ToRepository\"><repository>done</repository></mailet>");
        await("stored", () -> env.repositories.repo("done").list().size() == 1);
    }

    @Test
    void aCrashIsRetriedAndAfterMaxAttemptsTheMailIsKeptInTheErrorRepository() throws Exception {
        env.spoolConfig = new SpoolConfig(2, 3, Duration.ofMillis(50), 1000);
        start("<mailet match=\"All\" class=\"" + REC + "\"><id>crash</id><throw>runtime</throw>"
                + "<onMailetException>propagate</onMailetException></mailet>");
        env.spool.put(TestEnv.envelope("carol@example.net", Optional.empty(), "alice@example.org"), MESSAGE);

        await("in the error repository", () -> env.repositories.repo("error").list().size() == 1);
        await("out of the spool", () -> env.spool.size() == 0);
        assertThat(env.recorder.eventsOf("crash")).hasSize(3);
        var stored = env.repositories.repo("error").list().get(0);
        assertThat(stored.envelope().errorMessage().orElseThrow())
                .contains("processing failed 3 times").contains("crashed on purpose");
        assertThat(stored.envelope().state()).isEqualTo("root");
        assertThat(env.repositories.repo("error").bytes(stored.id())).isEqualTo(MESSAGE);
    }

    @Test
    void aMailThatFailsOnceIsRetriedAndThenSucceeds() throws Exception {
        env.spoolConfig = new SpoolConfig(1, 5, Duration.ofMillis(50), 1000);
        // Fails while the "done" repository is broken, like a full disk that is then cleared.
        env.repositories.repo("done").breakIt();
        start("<mailet match=\"All\" class=\"ToRepository\"><repository>done</repository>"
                + "<onMailetException>propagate</onMailetException></mailet>");
        env.spool.put(TestEnv.envelope("carol@example.net", Optional.empty(), "alice@example.org"), MESSAGE);
        await("a failed attempt", () -> !env.spool.all().isEmpty() && env.spool.all().get(0).failedAttempts() >= 1);
        env.repositories.repo("done").repair();
        await("stored after the retry", () -> env.repositories.repo("done").list().size() == 1);
        await("spool empty", () -> env.spool.size() == 0);
        assertThat(env.repositories.repo("error").list()).isEmpty();
    }

    @Test
    void aBrokenErrorRepositoryNeverLosesTheMail() throws Exception {
        env.spoolConfig = new SpoolConfig(1, 2, Duration.ofMillis(50), 1000);
        env.repositories.repo("error").breakIt();
        start("<mailet match=\"All\" class=\"" + REC + "\"><id>crash</id><throw>runtime</throw>"
                + "<onMailetException>propagate</onMailetException></mailet>");
        env.spool.put(TestEnv.envelope("carol@example.net", Optional.empty(), "alice@example.org"), MESSAGE);
        await("several attempts", () -> env.recorder.eventsOf("crash").size() >= 4);
        assertThat(env.spool.size()).isEqualTo(1);
        assertThat(env.spool.completed()).isEmpty();
    }

    @Test
    void mailSentByAMailetReEntersTheSpoolAndIsProcessed() throws Exception {
        start("<mailet match=\"SentByMailet\" class=\"ToRepository\"><repository>bounces</repository></mailet>"
                + "<mailet match=\"All\" class=\"Bounce\"><passThrough>false</passThrough></mailet>");
        env.spool.put(TestEnv.envelope("carol@example.net", Optional.empty(), "alice@example.org"), MESSAGE);
        await("the bounce was processed", () -> env.repositories.repo("bounces").list().size() == 1);
        assertThat(env.repositories.repo("bounces").envelopes().get(0).recipients()).containsExactly("carol@example.net");
        await("spool empty", () -> env.spool.size() == 0);
    }

    @Test
    void aDelayedSendWaitsInTheSpool() throws Exception {
        start("<mailet match=\"All\" class=\"ToRepository\"><repository>done</repository></mailet>");
        container.mailetContext().sendMail(TestEnv.mail("carol@example.net", "alice@example.org"), "root", 1,
                java.util.concurrent.TimeUnit.HOURS);
        // The spool itself holds the mail back: it is not claimed, and no failed attempt is counted.
        assertThat(env.spool.all()).singleElement().satisfies(held -> {
            assertThat(held.failedAttempts()).isZero();
            assertThat(env.spool.readyAt(held.id())).isGreaterThan(System.currentTimeMillis() + 3_500_000);
        });
        assertThat(env.repositories.repo("done").list()).isEmpty();

        container.mailetContext().sendMail(TestEnv.mail("carol@example.net", "bob@example.org"), "root", 1,
                java.util.concurrent.TimeUnit.MILLISECONDS);
        await("the short delay passed", () -> env.repositories.repo("done").list().size() == 1);
        assertThat(env.repositories.repo("done").envelopes().get(0).recipients()).containsExactly("bob@example.org");
        assertThat(env.repositories.repo("done").envelopes().get(0).attributes())
                .doesNotContainKey("org.postline.container.NotBefore");
    }

    @Test
    void closeLetsRunningMailFinish() throws Exception {
        start("<mailet match=\"All\" class=\"org.postline.container.testkit.GatedMailet\"/>"
                + "<mailet match=\"All\" class=\"ToRepository\"><repository>done</repository></mailet>");
        env.spool.put(TestEnv.envelope("carol@example.net", Optional.empty(), "alice@example.org"), MESSAGE);
        assertThat(env.gate.entered.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

        Thread closer = new Thread(container::close, "closer");
        closer.start();
        await("close is waiting", () -> closer.getState() == Thread.State.TIMED_WAITING
                || closer.getState() == Thread.State.WAITING);
        env.gate.open.countDown();
        closer.join(20_000);
        assertThat(closer.isAlive()).isFalse();
        assertThat(env.repositories.repo("done").list()).hasSize(1);
        assertThat(env.spool.size()).isZero();
    }

    @Test
    void closeStopsTakingMail() throws Exception {
        start("<mailet match=\"All\" class=\"ToRepository\"><repository>done</repository></mailet>");
        container.close();
        env.spool.put(TestEnv.envelope("carol@example.net", Optional.empty(), "alice@example.org"), MESSAGE);
        Thread.sleep(200);
        assertThat(env.spool.size()).isEqualTo(1);
        assertThat(env.repositories.repo("done").list()).isEmpty();
    }
}
