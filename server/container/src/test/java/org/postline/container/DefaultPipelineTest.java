package org.postline.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.mail.Session;
import org.apache.james.core.Username;
import org.apache.james.mailbox.MailboxSession;
import org.apache.james.mailbox.model.FetchGroup;
import org.apache.james.mailbox.model.MailboxPath;
import org.apache.james.mailbox.model.MessageRange;
import org.apache.james.mailbox.model.MessageResultIterator;
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
import reactor.core.publisher.Mono;

/**
 * The shipped conf/mailetcontainer.xml, with apache-mailet-standard's mailets and matchers (ToProcessor,
 * RemoveMimeHeader, HostIsLocal, SMTPAuthSuccessful, SMTPIsAuthNetwork, SentByMailet, RelayLimit,
 * PostmasterAlias, All) and Postline's (RecipientRewriteTable, RecipientIsUnknownLocal, LocalDelivery,
 * RemoteDelivery) running on Postline's Mail and MailetContext.
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

    /** What RemoteDelivery put on the outgoing queue. */
    private List<SpooledMail> outgoing() {
        return env.queues.fake("outgoing").all();
    }

    /** The messages in the user's INBOX, as stored (with the headers LocalDelivery adds). */
    private List<String> inbox(String user) throws Exception {
        MailboxSession session = env.mailboxes.createSystemSession(Username.of(user));
        MailboxPath path = MailboxPath.inbox(session);
        if (!Boolean.TRUE.equals(Mono.from(env.mailboxes.mailboxExists(path, session)).block())) {
            return List.of();
        }
        List<String> messages = new ArrayList<>();
        MessageResultIterator results = env.mailboxes.getMailbox(path, session)
                .getMessages(MessageRange.all(), FetchGroup.FULL_CONTENT, session);
        while (results.hasNext()) {
            try (InputStream content = results.next().getFullContent().getInputStream()) {
                messages.add(new String(content.readAllBytes(), StandardCharsets.US_ASCII));
            }
        }
        return messages;
    }

    private FakeRepositories.Repo repo(String name) {
        return env.repositories.repo(name);
    }

    @Test
    void theShippedFileHasTheProcessorsTheDesignAsksFor() {
        assertThat(container.processorNames()).containsExactlyInAnyOrder("root", "transport", "local-address-error",
                "relay-denied", "relay", "bounces", "rrt-error", "error");
    }

    @Test
    void localMailLosesOnlyItsBccHeader() throws Exception {
        process("carol@example.net", Optional.empty(), Map.of(), TestEnv.MESSAGE, "alice@example.org");
        // inbound mail is checked: the test environment's DNS server is a closed port, hence temperror
        assertThat(inbox("alice@example.org")).containsExactly("Return-Path: <carol@example.net>\r\n"
                + "Delivered-To: alice@example.org\r\n"
                + "Authentication-Results: mail.example.org;\r\n"
                + "\tspf=temperror smtp.mailfrom=carol@example.net;\r\n"
                + "\tdkim=none (no signatures)\r\n"
                + "Received-SPF: temperror (mail.example.org: DNS lookup for example.net failed for now)\r\n"
                + "\tclient-ip=192.0.2.10; envelope-from=\"carol@example.net\"; helo=client.example.net;\r\n"
                + "\treceiver=mail.example.org; identity=mailfrom;\r\n"
                + TestEnv.MESSAGE.replace("Bcc: secret@example.org\r\n", ""));
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
        assertThat(outgoing()).isEmpty();
    }

    @Test
    void authenticatedClientsMayRelay() throws Exception {
        process("alice@example.org", Optional.of("alice@example.org"), Map.of(), TestEnv.MESSAGE, "dave@example.com");
        assertThat(outgoing()).extracting(SpooledMail::envelope).singleElement().satisfies(e ->
                assertThat(e.recipients()).containsExactly("dave@example.com"));
        // outbound mail is not checked for sender authenticity, and is not signed without a key configured
        assertThat(new String(env.queues.fake("outgoing").content(outgoing().get(0).id()), StandardCharsets.US_ASCII))
                .doesNotContain("Authentication-Results", "Received-SPF", "DKIM-Signature");
    }

    @Test
    void relayNetworksMayRelay() throws Exception {
        String authNetwork = AttributeValue.of(true).toJson().orElseThrow().toString();
        process("app@example.org", Optional.empty(), Map.of("org.apache.james.SMTPIsAuthNetwork", authNetwork),
                TestEnv.MESSAGE, "dave@example.com");
        assertThat(outgoing()).hasSize(1);
    }

    @Test
    void mixedRecipientsAreSplitBetweenLocalAndRelay() throws Exception {
        process("alice@example.org", Optional.of("alice@example.org"), Map.of(), TestEnv.MESSAGE,
                "bob@example.org", "dave@example.com", "nobody@example.org");
        assertThat(inbox("bob@example.org")).hasSize(1);
        assertThat(repo("address-error").envelopes()).singleElement().satisfies(e ->
                assertThat(e.recipients()).containsExactly("nobody@example.org"));
        assertThat(outgoing()).extracting(SpooledMail::envelope).singleElement().satisfies(e ->
                assertThat(e.recipients()).containsExactly("dave@example.com"));
    }

    @Test
    void bouncesFromTheServerMayBeRelayed() throws Exception {
        process("carol@example.net", Optional.empty(), Map.of(), TestEnv.MESSAGE, "nobody@example.org");
        SpooledMail bounce = env.spool.all().get(0);
        container.pipeline().process(EnvelopeMapping.toMail(bounce.envelope(),
                SourcedMimeMessage.of(Session.getInstance(new Properties()), env.spool.content(bounce.id())), new Date()));
        assertThat(outgoing()).extracting(SpooledMail::envelope).singleElement().satisfies(e -> {
            assertThat(e.recipients()).containsExactly("carol@example.net");
            assertThat(e.sender()).isEmpty();
        });
    }

    @Test
    void postmasterOfALocalDomainReachesThePostmaster() throws Exception {
        env.domains.add("example.com");
        process("carol@example.net", Optional.empty(), Map.of(), TestEnv.MESSAGE, "postmaster@example.com");
        assertThat(inbox("postmaster@example.org")).singleElement().satisfies(stored ->
                assertThat(stored).contains("Delivered-To: postmaster@example.org\r\n"));
    }

    @Test
    void aMailLoopEndsInTheErrorRepository() throws Exception {
        String looping = "Received: from a by b\r\n".repeat(30) + TestEnv.MESSAGE;
        process("carol@example.net", Optional.empty(), Map.of(), looping, "alice@example.org");
        assertThat(repo("error").envelopes()).singleElement().satisfies(e ->
                assertThat(e.errorMessage().orElseThrow()).contains("mail loop"));
        assertThat(inbox("alice@example.org")).isEmpty();
    }

    @Test
    void theShippedFileIsWellFormedJamesVocabulary() throws Exception {
        String xml = Files.readString(SHIPPED);
        assertThat(xml).contains("<processor state=\"root\">").contains("RemoveMimeHeader")
                .contains("LocalDelivery").contains("RecipientRewriteTable").contains("RemoteDelivery");
    }
}
