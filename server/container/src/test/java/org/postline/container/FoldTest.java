package org.postline.container;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import javax.mail.MessagingException;
import org.apache.mailet.Mail;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.queue.Envelope;
import org.postline.container.mail.PostlineMail;
import org.postline.container.processing.Pipeline;
import org.postline.container.testkit.TestEnv;

/** The processor fold of DESIGN.md section 4, run directly on a loaded pipeline. */
class FoldTest {

    private static final String REC = "org.postline.container.testkit.RecordingMailet";
    private static final String THROWING_MATCHER = "org.postline.container.testkit.ThrowingMatcher";

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

    private Pipeline load(String root, String... others) throws Exception {
        container = MailetContainer.load(TestEnv.write(dir, TestEnv.pipeline(root, others)), env.environment());
        return container.pipeline();
    }

    private static String rec(String match, String id, String extra) {
        return "<mailet match=\"" + match + "\" class=\"" + REC + "\"><id>" + id + "</id>" + extra + "</mailet>";
    }

    private List<Envelope> errorRepository() {
        return env.repositories.repo("error").envelopes();
    }

    @Test
    void fullMatchRunsTheMailetOnTheMailAndGoesOn() throws Exception {
        Pipeline pipeline = load(rec("All", "first", "") + rec("All", "second", "<state>ghost</state>"));
        pipeline.process(TestEnv.mail("carol@example.net", "alice@example.org", "bob@example.org"));
        assertThat(env.recorder.events()).containsExactly(
                "first:root:alice@example.org,bob@example.org", "second:root:alice@example.org,bob@example.org");
    }

    @Test
    void noMatchSkipsTheMailet() throws Exception {
        Pipeline pipeline = load(rec("RecipientIs=nobody@example.org", "skipped", "")
                + rec("SenderIs=nobody@example.net", "skipped-too", "")
                + rec("All", "last", "<state>ghost</state>"));
        pipeline.process(TestEnv.mail("carol@example.net", "alice@example.org"));
        assertThat(env.recorder.events()).containsExactly("last:root:alice@example.org");
    }

    @Test
    void partialMatchSplitsTheMailAndRunsEachMailetOncePerRecipientSet() throws Exception {
        Pipeline pipeline = load(rec("RecipientIs=alice@example.org", "side-effect", "")
                + rec("All", "after", "")
                + rec("All", "end", "<state>ghost</state>"));
        pipeline.process(TestEnv.mail("carol@example.net", "alice@example.org", "bob@example.org"));

        // The split part keeps the state (root) and goes on through the rest of the processor.
        assertThat(env.recorder.eventsOf("side-effect")).containsExactly("side-effect:root:alice@example.org");
        assertThat(env.recorder.eventsOf("after")).containsExactlyInAnyOrder(
                "after:root:alice@example.org", "after:root:bob@example.org");
        assertThat(env.recorder.eventsOf("end")).hasSize(2);
    }

    @Test
    void aStateChangeContinuesInTheNewProcessorAtOnce() throws Exception {
        Pipeline pipeline = load(rec("All", "a", "<state>other</state>") + rec("All", "never", ""),
                "<processor state=\"other\">" + rec("All", "b", "<state>ghost</state>") + "</processor>");
        PostlineMail mail = TestEnv.mail("carol@example.net", "alice@example.org");
        pipeline.process(mail);
        assertThat(env.recorder.events()).containsExactly("a:root:alice@example.org", "b:other:alice@example.org");
        assertThat(mail.getState()).isEqualTo(Mail.GHOST);
    }

    @Test
    void aMailWithoutRecipientsIsDone() throws Exception {
        Pipeline pipeline = load(rec("All", "drop", "<dropRecipients>true</dropRecipients>") + rec("All", "never", ""));
        pipeline.process(TestEnv.mail("carol@example.net", "alice@example.org"));
        assertThat(env.recorder.events()).containsExactly("drop:root:alice@example.org");
        assertThat(errorRepository()).isEmpty();
    }

    @Test
    void theNullMailetGhostsTheMail() throws Exception {
        Pipeline pipeline = load("<mailet match=\"All\" class=\"Null\"/>" + rec("All", "never", ""));
        pipeline.process(TestEnv.mail("carol@example.net", "alice@example.org"));
        assertThat(env.recorder.events()).isEmpty();
        assertThat(errorRepository()).isEmpty();
    }

    @Test
    void fallingOffTheEndOfAProcessorGoesToErrorWithAClearMessage() throws Exception {
        Pipeline pipeline = load(rec("All", "only", ""),
                "<processor state=\"error\">" + rec("All", "err", "") + "<mailet match=\"All\" class=\"ToRepository\">"
                        + "<repository>error</repository></mailet></processor>");
        pipeline.process(TestEnv.mail("carol@example.net", "alice@example.org"));
        assertThat(env.recorder.events()).containsExactly("only:root:alice@example.org", "err:error:alice@example.org");
        assertThat(errorRepository()).singleElement().satisfies(e -> assertThat(e.errorMessage().orElseThrow())
                .contains("reached the end of processor 'root'").contains("catch-all"));
    }

    @Test
    void fallingOffTheEndOfErrorStoresInTheErrorRepository() throws Exception {
        Pipeline pipeline = load("<mailet match=\"All\" class=\"ToProcessor\"><processor>error</processor></mailet>",
                "<processor state=\"error\">" + rec("All", "err", "") + "</processor>");
        pipeline.process(TestEnv.mail("carol@example.net", "alice@example.org"));
        assertThat(errorRepository()).singleElement().satisfies(e -> assertThat(e.errorMessage().orElseThrow())
                .contains("reached the end of the error processor"));
    }

    @Test
    void aMailetExceptionSendsTheMailToErrorByDefault() throws Exception {
        Pipeline pipeline = load(rec("All", "boom", "<throw>messaging</throw>") + rec("All", "never", ""));
        pipeline.process(TestEnv.mail("carol@example.net", "alice@example.org"));
        assertThat(env.recorder.eventsOf("never")).isEmpty();
        assertThat(errorRepository()).singleElement().satisfies(e -> {
            assertThat(e.errorMessage().orElseThrow()).contains("processor[root]/mailet[1]").contains("failed on purpose");
            assertThat(e.state()).isEqualTo("error");
        });
    }

    @Test
    void aLinkageErrorInAMailetIsHandledLikeAnException() throws Exception {
        Pipeline pipeline = load(rec("All", "boom", "<throw>linkage</throw>"));
        pipeline.process(TestEnv.mail("carol@example.net", "alice@example.org"));
        assertThat(errorRepository()).singleElement().satisfies(e ->
                assertThat(e.errorMessage().orElseThrow()).contains("NoClassDefFoundError"));
    }

    @Test
    void onMailetExceptionIgnoreGoesOn() throws Exception {
        Pipeline pipeline = load(rec("All", "boom", "<throw>runtime</throw><onMailetException>ignore</onMailetException>")
                + rec("All", "next", "<state>ghost</state>"));
        pipeline.process(TestEnv.mail("carol@example.net", "alice@example.org"));
        assertThat(env.recorder.events()).containsExactly("boom:root:alice@example.org", "next:root:alice@example.org");
    }

    @Test
    void onMailetExceptionPropagateFailsTheWholeMail() throws Exception {
        Pipeline pipeline = load(rec("All", "boom", "<throw>runtime</throw><onMailetException>propagate</onMailetException>"));
        assertThatThrownBy(() -> pipeline.process(TestEnv.mail("carol@example.net", "alice@example.org")))
                .isInstanceOf(MessagingException.class).hasMessageContaining("crashed on purpose");
        assertThat(errorRepository()).isEmpty();
    }

    @Test
    void aStoreFailurePropagatesWhateverThePolicySoTheSpoolRetries() throws Exception {
        env.repositories.repo("broken").breakIt();
        Pipeline pipeline = load("<mailet match=\"All\" class=\"ToRepository\"><repository>broken</repository>"
                + "<onMailetException>ignore</onMailetException></mailet>" + rec("All", "never", ""));
        assertThatThrownBy(() -> pipeline.process(TestEnv.mail("carol@example.net", "alice@example.org")))
                .isInstanceOf(MessagingException.class).hasMessageContaining("repository broken is broken");
        assertThat(env.recorder.events()).isEmpty();
    }

    @Test
    void onMailetExceptionNamesAProcessor() throws Exception {
        Pipeline pipeline = load(rec("All", "boom", "<throw>messaging</throw><onMailetException>quarantine</onMailetException>"),
                "<processor state=\"quarantine\">" + rec("All", "q", "<state>ghost</state>") + "</processor>");
        pipeline.process(TestEnv.mail("carol@example.net", "alice@example.org"));
        assertThat(env.recorder.eventsOf("q")).containsExactly("q:quarantine:alice@example.org");
    }

    @Test
    void onMatchExceptionPolicies() throws Exception {
        Pipeline pipeline = load(
                rec(THROWING_MATCHER, "nomatch", "<onMatchException>nomatch</onMatchException>")
                + rec(THROWING_MATCHER, "matchall", "<onMatchException>matchall</onMatchException>")
                + rec(THROWING_MATCHER, "to-processor", "<onMatchException>quarantine</onMatchException>"),
                "<processor state=\"quarantine\">" + rec("All", "q", "<state>ghost</state>") + "</processor>");
        pipeline.process(TestEnv.mail("carol@example.net", "alice@example.org"));
        assertThat(env.recorder.events()).containsExactly("matchall:root:alice@example.org", "q:quarantine:alice@example.org");
    }

    @Test
    void onMatchExceptionDefaultsToErrorAndPropagateFails() throws Exception {
        Pipeline pipeline = load(rec(THROWING_MATCHER, "x", ""));
        pipeline.process(TestEnv.mail("carol@example.net", "alice@example.org"));
        assertThat(errorRepository()).singleElement().satisfies(e ->
                assertThat(e.errorMessage().orElseThrow()).contains("matcher failed"));

        container.close();
        Pipeline propagating = load(rec(THROWING_MATCHER, "x", "<onMatchException>propagate</onMatchException>"));
        assertThatThrownBy(() -> propagating.process(TestEnv.mail("carol@example.net", "alice@example.org")))
                .isInstanceOf(MessagingException.class);
    }

    @Test
    void anErrorProcessorThatThrowsDoesNotLoop() throws Exception {
        Pipeline pipeline = load(rec("All", "boom", "<throw>messaging</throw>"),
                "<processor state=\"error\">" + rec("All", "err-boom", "<throw>runtime</throw>") + "</processor>");
        pipeline.process(TestEnv.mail("carol@example.net", "alice@example.org"));
        assertThat(env.recorder.eventsOf("err-boom")).hasSize(1);
        assertThat(errorRepository()).singleElement().satisfies(e -> assertThat(e.errorMessage().orElseThrow())
                .contains("failed on purpose").contains("crashed on purpose"));
    }

    @Test
    void aLoopThroughOtherProcessorsIsCutAndStored() throws Exception {
        Pipeline pipeline = load(rec("All", "boom", "<throw>messaging</throw>"),
                "<processor state=\"error\">" + rec("All", "e", "<throw>runtime</throw><onMailetException>retry</onMailetException>") + "</processor>",
                "<processor state=\"retry\">" + rec("All", "r", "<state>error</state>") + "</processor>");
        pipeline.process(TestEnv.mail("carol@example.net", "alice@example.org"));
        assertThat(env.recorder.eventsOf("e")).hasSizeLessThanOrEqualTo(Pipeline.MAX_HOPS);
        assertThat(errorRepository()).singleElement().satisfies(e ->
                assertThat(e.errorMessage().orElseThrow()).contains("processing loop"));
    }

    @Test
    void anUnknownStateGoesToError() throws Exception {
        Pipeline pipeline = load(rec("All", "x", "<state>nowhere</state>"));
        pipeline.process(TestEnv.mail("carol@example.net", "alice@example.org"));
        assertThat(errorRepository()).singleElement().satisfies(e ->
                assertThat(e.errorMessage().orElseThrow()).contains("no processor named 'nowhere'"));
    }

    @Test
    void compositeMatchersCombineRecipients() throws Exception {
        String declarations = "<matcher name=\"alice-or-bob\" match=\"org.apache.james.mailetcontainer.impl.matchers.Or\">"
                + "<matcher match=\"RecipientIs=alice@example.org\"/><matcher match=\"RecipientIs=bob@example.org\"/></matcher>"
                + "<matcher name=\"not-alice\" match=\"Not\"><matcher match=\"RecipientIs=alice@example.org\"/></matcher>"
                + "<matcher name=\"both\" match=\"And\"><matcher match=\"alice-or-bob\"/><matcher match=\"not-alice\"/></matcher>"
                + "<matcher name=\"xor\" match=\"Xor\"><matcher match=\"RecipientIs=alice@example.org\"/>"
                + "<matcher match=\"RecipientIs=alice@example.org,bob@example.org\"/></matcher>";
        assertThat(hits(declarations, "match=\"alice-or-bob\"")).containsExactly("hit:root:alice@example.org,bob@example.org");
        assertThat(hits(declarations, "match=\"not-alice\"")).containsExactly("hit:root:bob@example.org,carol@example.org");
        assertThat(hits(declarations, "match=\"both\"")).containsExactly("hit:root:bob@example.org");
        assertThat(hits(declarations, "match=\"xor\"")).containsExactly("hit:root:bob@example.org");
        assertThat(hits(declarations, "notmatch=\"alice-or-bob\"")).containsExactly("hit:root:carol@example.org");
    }

    /** Which recipients of a three-recipient mail the given match= or notmatch= selects. */
    private List<String> hits(String declarations, String matchAttribute) throws Exception {
        if (container != null) {
            container.close();
        }
        TestEnv fresh = new TestEnv();
        container = MailetContainer.load(TestEnv.write(dir, TestEnv.pipeline(declarations
                + "<mailet " + matchAttribute + " class=\"" + REC + "\"><id>hit</id><state>ghost</state></mailet>"
                + "<mailet match=\"All\" class=\"Null\"/>")), fresh.environment());
        container.pipeline().process(TestEnv.mail("carol@example.net", "alice@example.org", "bob@example.org",
                "carol@example.org"));
        return fresh.recorder.events();
    }
}
