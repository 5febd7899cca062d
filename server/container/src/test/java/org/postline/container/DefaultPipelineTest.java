package org.postline.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.mail.Session;
import org.apache.mailet.AttributeValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postline.api.queue.DsnRequest;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.SessionFacts;
import org.postline.api.queue.SpooledMail;
import org.postline.container.mail.EnvelopeMapping;
import org.postline.container.mail.SourcedMimeMessage;
import org.postline.container.testkit.FakeRepositories;
import org.postline.container.testkit.TestEnv;

/**
 * The shipped conf/mailetcontainer.xml, with apache-mailet-standard's mailets and matchers (ToProcessor,
 * RemoveMimeHeader, RecipientIsLocal, HostIsLocal, SMTPAuthSuccessful, SMTPIsAuthNetwork, SentByMailet,
 * RelayLimit, PostmasterAlias, All) running on Postline's Mail and MailetContext.
 */
class DefaultPipelineTest {

    static final Path SHIPPED = Path.of("../../conf/mailetcontainer.xml");

    private final TestEnv env = new TestEnv();
    private MailetContainer container;

    @BeforeEach
    void load() throws Exception {
        assertThat(SHIPPED).exists();
        container = MailetContainer.load(SHIPPED, env.environment());
    }

    @AfterEach
    void close() {
        container.close();
    }

    private void process(String sender, Optional<String> authUser, Map<String, String> attributes, String message,
                         String... recipients) throws Exception {
        Envelope envelope = new Envelope("in-" + System.nanoTime(), Optional.ofNullable(sender), List.of(recipients),
                "root", Optional.empty(), attributes,
                new SessionFacts("192.0.2.10", "client.example.net", "client.example.net", authUser, false, "smtp"),
                DsnRequest.none());
        container.pipeline().process(EnvelopeMapping.toMail(envelope,
                SourcedMimeMessage.of(Session.getInstance(new Properties()), message.getBytes(StandardCharsets.US_ASCII)),
                new Date()));
    }

    private FakeRepositories.Repo repo(String name) {
        return env.repositories.repo(name);
    }

    private String onlyMessageIn(String repository) {
        List<SpooledMail> mails = repo(repository).list();
        assertThat(mails).hasSize(1);
        return new String(repo(repository).bytes(mails.get(0).id()), StandardCharsets.US_ASCII);
    }

    @Test
    void theShippedFileHasTheProcessorsTheDesignAsksFor() {
        assertThat(container.processorNames()).containsExactlyInAnyOrder("root", "transport", "local-address-error",
                "relay-denied", "relay", "bounces", "error");
    }

    @Test
    void localMailLosesOnlyItsBccHeader() throws Exception {
        process("carol@example.net", Optional.empty(), Map.of(), TestEnv.MESSAGE, "alice@example.org");
        String stored = onlyMessageIn("local-delivery-pending");
        assertThat(stored).isEqualTo(TestEnv.MESSAGE.replace("Bcc: secret@example.org\r\n", ""));
        assertThat(env.spool.all()).isEmpty();
    }

    @Test
    void anUnknownLocalUserIsBouncedAndKept() throws Exception {
        process("carol@example.net", Optional.empty(), Map.of(), TestEnv.MESSAGE, "nobody@example.org");
        assertThat(repo("address-error").envelopes()).singleElement().satisfies(e ->
                assertThat(e.errorMessage().orElseThrow()).contains("550 5.1.1"));
        assertThat(env.spool.all()).singleElement().satisfies(bounce -> {
            assertThat(bounce.envelope().sender()).isEmpty();
            assertThat(bounce.envelope().recipients()).containsExactly("carol@example.net");
        });
    }

    @Test
    void remoteMailWithoutRelayRightsIsDenied() throws Exception {
        process("carol@example.net", Optional.empty(), Map.of(), TestEnv.MESSAGE, "dave@example.com");
        assertThat(repo("relay-denied").envelopes()).singleElement().satisfies(e ->
                assertThat(e.errorMessage().orElseThrow()).contains("Relaying denied"));
        assertThat(repo("outgoing-pending").list()).isEmpty();
    }

    @Test
    void authenticatedClientsMayRelay() throws Exception {
        process("alice@example.org", Optional.of("alice@example.org"), Map.of(), TestEnv.MESSAGE, "dave@example.com");
        assertThat(repo("outgoing-pending").envelopes()).singleElement().satisfies(e ->
                assertThat(e.recipients()).containsExactly("dave@example.com"));
    }

    @Test
    void relayNetworksMayRelay() throws Exception {
        String authNetwork = AttributeValue.of(true).toJson().orElseThrow().toString();
        process("app@example.org", Optional.empty(), Map.of("org.apache.james.SMTPIsAuthNetwork", authNetwork),
                TestEnv.MESSAGE, "dave@example.com");
        assertThat(repo("outgoing-pending").list()).hasSize(1);
    }

    @Test
    void mixedRecipientsAreSplitBetweenLocalAndRelay() throws Exception {
        process("alice@example.org", Optional.of("alice@example.org"), Map.of(), TestEnv.MESSAGE,
                "bob@example.org", "dave@example.com", "nobody@example.org");
        assertThat(repo("local-delivery-pending").envelopes()).singleElement().satisfies(e ->
                assertThat(e.recipients()).containsExactly("bob@example.org"));
        assertThat(repo("address-error").envelopes()).singleElement().satisfies(e ->
                assertThat(e.recipients()).containsExactly("nobody@example.org"));
        assertThat(repo("outgoing-pending").envelopes()).singleElement().satisfies(e ->
                assertThat(e.recipients()).containsExactly("dave@example.com"));
    }

    @Test
    void bouncesFromTheServerMayBeRelayed() throws Exception {
        process("carol@example.net", Optional.empty(), Map.of(), TestEnv.MESSAGE, "nobody@example.org");
        SpooledMail bounce = env.spool.all().get(0);
        container.pipeline().process(EnvelopeMapping.toMail(bounce.envelope(),
                SourcedMimeMessage.of(Session.getInstance(new Properties()), env.spool.content(bounce.id())), new Date()));
        assertThat(repo("outgoing-pending").envelopes()).singleElement().satisfies(e -> {
            assertThat(e.recipients()).containsExactly("carol@example.net");
            assertThat(e.sender()).isEmpty();
        });
    }

    @Test
    void postmasterOfALocalDomainReachesThePostmaster() throws Exception {
        env.domains.add("example.com");
        process("carol@example.net", Optional.empty(), Map.of(), TestEnv.MESSAGE, "postmaster@example.com");
        assertThat(repo("local-delivery-pending").envelopes()).singleElement().satisfies(e ->
                assertThat(e.recipients()).containsExactly("postmaster@example.org"));
    }

    @Test
    void aMailLoopEndsInTheErrorRepository() throws Exception {
        String looping = "Received: from a by b\r\n".repeat(30) + TestEnv.MESSAGE;
        process("carol@example.net", Optional.empty(), Map.of(), looping, "alice@example.org");
        assertThat(repo("error").envelopes()).singleElement().satisfies(e ->
                assertThat(e.errorMessage().orElseThrow()).contains("mail loop"));
        assertThat(repo("local-delivery-pending").list()).isEmpty();
    }

    @Test
    void theShippedFileIsWellFormedJamesVocabulary() throws Exception {
        String xml = Files.readString(SHIPPED);
        assertThat(xml).contains("<processor state=\"root\">").contains("RemoveMimeHeader")
                .contains("LocalDelivery replaces").contains("RemoteDelivery");
    }
}
