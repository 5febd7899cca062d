package org.postline.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postline.app.cli.MailFixtures.envelope;
import static org.postline.app.cli.MailFixtures.message;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.StorageConfig;
import org.postline.api.queue.MailRepository;
import org.postline.api.queue.SpooledMail;
import org.postline.app.cli.CliRunner.Result;
import org.postline.app.config.ConfigLoader;
import org.postline.app.server.PostlineServer;
import org.postline.app.server.ServerAccess;
import org.postline.store.Store;

/** The repo and queue commands with no server running: the command line opens the store itself. */
class RepoCliOfflineTest {

    private static final Instant STORED = Instant.parse("2025-01-31T09:15:02.250Z");
    private static final String TIME = "2025-01-31T09:15:02Z";

    @TempDir
    Path dir;

    private Path home;
    private Path pipeline;
    private CliRunner cli;
    private String bounced;
    private String crashed;
    private String denied;

    @BeforeEach
    void setUp() throws Exception {
        home = CliFixture.home(dir);
        pipeline = MailFixtures.pipeline(home.resolve("conf/mailetcontainer.xml"), "root", "transport", "error");
        cli = new CliRunner(home);
        try (Store store = openStore()) {
            MailRepository error = store.repositories().get("error");
            bounced = MailFixtures.store(error, envelope("mail-1", Optional.empty(), List.of("alice@example.org"),
                    "error", Optional.of("550 5.1.1 no such user\nremote said more"), Optional.empty()), message("first"));
            crashed = MailFixtures.store(error, envelope("mail-2", Optional.of("bob@remote.example"),
                    List.of("alice@example.org", "carol@example.org"), "transport", Optional.empty(),
                    Optional.of("bob@remote.example")), message("second"));
            denied = MailFixtures.store(store.repositories().get("relay-denied"), envelope("mail-3",
                    Optional.of("spam@remote.example"), List.of("victim@elsewhere.example"), "relay-denied",
                    Optional.of("relay denied"), Optional.empty()), message("third"));
        }
    }

    private static void assertOk(Result result, String... lines) {
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.outLines()).containsExactly(lines);
    }

    private static void assertFails(Result result, int code, String message) {
        assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(code);
        assertThat(result.err()).isEqualTo("postline: " + message + "\n");
    }

    @Test
    void listsRepositoriesWithCounts() {
        assertOk(cli.run("repo", "list"), "error 2", "relay-denied 1");
    }

    @Test
    void showsOneLinePerMail() {
        assertOk(cli.run("repo", "show", "error"),
                bounced + " " + TIME + " <> alice@example.org 550 5.1.1 no such user",
                crashed + " " + TIME + " bob@remote.example alice@example.org,carol@example.org -");
        assertFails(cli.run("repo", "show", "nosuch"), 1, "no mail repository 'nosuch' (repositories: error, relay-denied)");
        // Looking did not create it.
        assertOk(cli.run("repo", "list"), "error 2", "relay-denied 1");
    }

    @Test
    void showsOneMailWithEnvelopeAndHeaders() {
        assertOk(cli.run("repo", "show", "error", bounced),
                "Repository: error",
                "Id: " + bounced,
                "Stored: " + TIME,
                "Size: " + message("first").length() + " bytes",
                "Name: mail-1",
                "Sender: <>",
                "Recipients: alice@example.org",
                "State: error",
                "Error: 550 5.1.1 no such user",
                "  remote said more",
                "Remote address: 203.0.113.5 (mx.remote.example)",
                "Auth user: -",
                "",
                "From: bob@remote.example",
                "To: alice@example.org",
                "Subject: first",
                "X-Long: first part",
                "\tfolded part");
        assertThat(cli.run("repo", "show", "error", crashed).outLines())
                .contains("Recipients: alice@example.org, carol@example.org", "Error: -", "Auth user: bob@remote.example");
        assertFails(cli.run("repo", "show", "error", "NOSUCHID"), 1, "no mail NOSUCHID in repository error");
        Result extra = cli.run("repo", "show", "error", crashed, "extra");
        assertThat(extra.exitCode()).isEqualTo(2);
        assertThat(extra.err()).startsWith("postline: Unmatched argument").contains("'extra'").hasLineCount(1);
    }

    @Test
    void deletesOneOrAll() {
        assertOk(cli.run("repo", "delete", "error", bounced), "Deleted mail " + bounced + " from repository error");
        assertFails(cli.run("repo", "delete", "error", bounced), 1, "no mail " + bounced + " in repository error");
        assertOk(cli.run("repo", "delete", "relay-denied", "--all"), "Deleted 1 mail from repository relay-denied");
        assertOk(cli.run("repo", "delete", "relay-denied", "--all"), "Deleted 0 mails from repository relay-denied");
        assertOk(cli.run("repo", "list"), "error 1", "relay-denied 0");
        assertFails(cli.run("repo", "delete", "error"), 2, "give either a mail ID or --all (see: postline repo delete --help)");
        assertFails(cli.run("repo", "delete", "error", crashed, "--all"), 2,
                "give either a mail ID or --all (see: postline repo delete --help)");
        assertFails(cli.run("repo", "delete", "nosuch", "--all"), 1,
                "no mail repository 'nosuch' (repositories: error, relay-denied)");
        try (Store store = openStore()) {
            assertThat(store.repositories().get("error").list()).extracting(SpooledMail::id).containsExactly(crashed);
        }
    }

    @Test
    void reprocessMovesTheMailIntoTheSpoolInTheGivenProcessor() throws Exception {
        Result result = cli.run("repo", "reprocess", "error", bounced, "--processor", "transport");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.outLines()).singleElement().asString()
                .matches("Reprocessed mail " + bounced + " from repository error into processor transport as spool mail [0-9A-Z]{26}");
        String spoolId = result.out().strip().substring(result.out().strip().lastIndexOf(' ') + 1);

        assertThat(cli.run("queue", "list", "spool").outLines()).singleElement().asString()
                .matches("spool " + spoolId + " \\S+Z 0 now <> alice@example.org -");
        assertOk(cli.run("repo", "list"), "error 1", "relay-denied 1");
        try (Store store = openStore(Clock.systemUTC())) {
            List<SpooledMail> ready = store.spool().claim(10);
            assertThat(ready).singleElement().satisfies(mail -> {
                assertThat(mail.id()).isEqualTo(spoolId);
                assertThat(mail.envelope().state()).isEqualTo("transport");
                assertThat(mail.envelope().name()).isEqualTo("mail-1");
                assertThat(mail.envelope().recipients()).containsExactly("alice@example.org");
            });
            try (InputStream content = store.spool().open(spoolId)) {
                assertThat(new String(content.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo(message("first"));
            }
        }
    }

    @Test
    void theServerTakesReprocessedMailUpAtItsNextStart() throws Exception {
        assertThat(cli.run("repo", "reprocess", "error", crashed).exitCode()).isZero();

        try (PostlineServer server = PostlineServer.start(ConfigLoader.forHome(home).load(home.resolve("conf/postline.xml")), home)) {
            MailRepository delivered = ServerAccess.store(server).repositories().get("transport-out");
            for (int i = 0; i < 200 && delivered.list().isEmpty(); i++) {
                Thread.sleep(50);
            }
            assertThat(delivered.list()).singleElement()
                    .satisfies(mail -> assertThat(mail.envelope().name()).isEqualTo("mail-2"));
        }
        assertOk(cli.run("queue", "list"));
    }

    @Test
    void reprocessAllUsesEachMailsPreviousProcessor() throws Exception {
        Result result = cli.run("repo", "reprocess", "error", "--all");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.outLines()).hasSize(3);
        assertThat(result.outLines().get(0)).startsWith("Reprocessed mail " + bounced + " from repository error into processor error as spool mail ");
        assertThat(result.outLines().get(1)).startsWith("Reprocessed mail " + crashed + " from repository error into processor transport as spool mail ");
        assertThat(result.outLines().get(2)).isEqualTo("Reprocessed 2 mails from repository error");
        assertOk(cli.run("repo", "list"), "error 0", "relay-denied 1");
        try (Store store = openStore(Clock.systemUTC())) {
            assertThat(store.spool().claim(10)).extracting(m -> m.envelope().state()).containsExactly("error", "transport");
        }
    }

    @Test
    void reprocessRefusesAProcessorThePipelineFileLacks() {
        assertFails(cli.run("repo", "reprocess", "error", bounced, "--processor", "nosuch"), 1,
                "no processor 'nosuch' in " + pipeline + " (processors: error, root, transport)");
        // relay-denied's mail was stored in a processor this pipeline does not have; nothing moves.
        assertFails(cli.run("repo", "reprocess", "relay-denied", "--all"), 1, "mail " + denied
                + " was in state 'relay-denied', but there is no processor 'relay-denied' in " + pipeline
                + " (processors: error, root, transport); choose one with --processor");
        assertOk(cli.run("repo", "list"), "error 2", "relay-denied 1");
        assertOk(cli.run("queue", "list"));
        assertFails(cli.run("repo", "reprocess", "error", "--all", "--processor"), 2,
                "Missing required parameter for option '--processor' (STATE) (see: postline repo reprocess --help)");
    }

    @Test
    void withoutAReadablePipelineFileAnyProcessorIsAccepted() throws Exception {
        Files.delete(pipeline);
        Result result = cli.run("repo", "reprocess", "relay-denied", denied, "--processor", "anything");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.out()).contains("into processor anything");
    }

    @Test
    void queueListShowsEveryQueueOrOne() throws Exception {
        String waiting;
        String deferred;
        try (Store store = openStore()) {
            waiting = MailFixtures.spool(store.spool().begin(envelope("in-1", Optional.of("bob@remote.example"),
                    List.of("alice@example.org"), "root", Optional.empty(), Optional.empty()),
                    Instant.parse("2999-01-01T00:00:00Z")), message("later"));
            deferred = MailFixtures.spool(store.queue("outgoing").begin(envelope("out-1", Optional.of("alice@example.org"),
                    List.of("x@remote.example", "y@remote.example"), "root", Optional.empty(), Optional.empty())),
                    message("out"));
            assertThat(store.queue("outgoing").claim(1)).hasSize(1);
            store.queue("outgoing").release(deferred, "421 4.7.0 try again later\nsecond line", 60_000);
        }
        String outgoingLine = "outgoing " + deferred + " " + TIME + " 1 now alice@example.org x@remote.example,y@remote.example"
                + " 421 4.7.0 try again later";
        String spoolLine = "spool " + waiting + " " + TIME + " 0 2999-01-01T00:00:00Z bob@remote.example alice@example.org -";
        assertOk(cli.run("queue", "list"), outgoingLine, spoolLine);
        assertOk(cli.run("queue", "list", "outgoing"), outgoingLine);
        assertOk(cli.run("queue", "list", "spool"), spoolLine);
        assertOk(cli.run("queue", "list", "other"));
        assertFails(cli.run("queue", "list", "no/such"), 1,
                "\"no/such\" is not a queue name (spool, outgoing, or another RemoteDelivery outgoingQueue)");
    }

    /** The same database the command line opens, with a clock fixed at {@link #STORED}. */
    private Store openStore() {
        return openStore(Clock.fixed(STORED, ZoneOffset.UTC));
    }

    private Store openStore(Clock clock) {
        Path var = home.resolve("var");
        return Store.open(new StorageConfig("jdbc:derby:" + var.resolve("derby") + ";create=true", Optional.empty(),
                Optional.empty(), 2, var.resolve("blobs")), "example.org", clock);
    }
}
