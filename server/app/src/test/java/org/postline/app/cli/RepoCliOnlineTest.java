package org.postline.app.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.postline.app.cli.MailFixtures.envelope;
import static org.postline.app.cli.MailFixtures.message;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import javax.mail.Message;
import javax.mail.Session;
import javax.mail.Transport;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.queue.MailRepository;
import org.postline.api.queue.SpooledMail;
import org.postline.app.cli.CliRunner.Result;
import org.postline.app.config.ConfigLoader;
import org.postline.app.server.PostlineServer;
import org.postline.app.server.ServerAccess;
import org.postline.store.Store;

/**
 * The repo and queue commands while a whole server runs in-process: they go through its admin socket and act
 * on its pipeline. The server keeps its data apart from the var/derby the command line's configuration names,
 * so a command that opened the store itself would show up as a var/derby directory.
 */
class RepoCliOnlineTest {

    private static final String TIME = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";

    @TempDir
    Path dir;

    private Path home;
    private CliRunner cli;
    private PostlineServer server;
    private Store store;

    @BeforeEach
    void startServer() throws Exception {
        home = CliFixture.home(dir.resolve("home"));
        cli = new CliRunner(home);
        Path pipeline = MailFixtures.pipeline(home.resolve("conf/server-pipeline.xml"), "root", "release", "error");
        Path data = dir.resolve("server-data");
        Path serverConfig = Files.writeString(home.resolve("conf/server.xml"), """
                <postline>
                  <hostname>mail.test</hostname>
                  <domains default="example.org"><domain>example.org</domain></domains>
                  <storage><jdbc url="jdbc:derby:%s;create=true"/><blobs dir="%s"/></storage>
                  <listeners><smtp name="in" port="0" bind="127.0.0.1" tls="none" auth="optional"/></listeners>
                  <mailetcontainer file="%s"/>
                </postline>
                """.formatted(data.resolve("derby"), data.resolve("blobs"), pipeline));
        server = PostlineServer.start(new ConfigLoader(home, Map.of(), "mail.test").load(serverConfig), home);
        store = ServerAccess.store(server);
        store.users().add("alice@example.org", "alice-pw".toCharArray());
    }

    @AfterEach
    void stopServer() {
        if (server != null) {
            server.close();
        }
        assertThat(home.resolve("var/derby")).as("the command line never opened the store itself").doesNotExist();
    }

    private static void assertOk(Result result, String... lines) {
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.outLines()).containsExactly(lines);
    }

    private static void assertFails(Result result, String message) {
        assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(1);
        assertThat(result.err()).isEqualTo("postline: " + message + "\n");
    }

    @Test
    void inspectsDeletesAndReprocessesThroughTheRunningPipeline() throws Exception {
        send("first");
        send("second");
        MailRepository held = store.repositories().get("held");
        // The pipeline's workers may store the two in either order: tell them apart by their subjects.
        List<SpooledMail> parked = new java.util.ArrayList<>(await(held, 2));
        parked.sort(java.util.Comparator.comparing((SpooledMail mail) -> subjectOf(held, mail.id()).equals("first") ? 0 : 1));
        String first = parked.get(0).id();
        String second = parked.get(1).id();

        assertOk(cli.run("repo", "list"), "error 0", "held 2", "release-out 0");
        Result listing = cli.run("repo", "show", "held");
        assertThat(listing.outLines()).hasSize(2);
        assertThat(listing.outLines()).anySatisfy(line ->
                assertThat(line).matches(first + " " + TIME + " bob@remote.example alice@example.org -"));
        assertThat(cli.run("repo", "show", "held", first).outLines())
                .contains("Repository: held", "Id: " + first, "Sender: bob@remote.example", "Recipients: alice@example.org",
                        "State: root", "Error: -", "Auth user: -", "", "Subject: first")
                .anyMatch(line -> line.startsWith("Remote address: 127.0.0.1"));
        assertFails(cli.run("repo", "show", "nosuch"), "no mail repository 'nosuch' (repositories: error, held, release-out)");

        // A processor the running pipeline lacks is refused, and nothing moves.
        assertFails(cli.run("repo", "reprocess", "held", first, "--processor", "transport"),
                "no processor 'transport' in the running pipeline (processors: error, release, root)");
        assertThat(held.list()).hasSize(2);

        Result reprocessed = cli.run("repo", "reprocess", "held", first, "--processor", "release");
        assertThat(reprocessed.exitCode()).as(reprocessed.err()).isZero();
        assertThat(reprocessed.out()).matches("Reprocessed mail " + first
                + " from repository held into processor release as spool mail [0-9A-Z]{26}\n");
        assertThat(await(store.repositories().get("release-out"), 1)).singleElement()
                .satisfies(mail -> assertThat(mail.envelope().name()).isEqualTo(parked.get(0).envelope().name()));
        assertThat(held.list()).extracting(SpooledMail::id).containsExactly(second);

        // Without --processor the mail runs from the processor it was stored in: root, which parks it again.
        Result all = cli.run("repo", "reprocess", "held", "--all");
        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.outLines()).hasSize(2).last().isEqualTo("Reprocessed 1 mail from repository held");
        List<SpooledMail> again = awaitOther(held, second);
        assertThat(again.get(0).envelope().name()).isEqualTo(parked.get(1).envelope().name());

        assertOk(cli.run("repo", "delete", "release-out", "--all"), "Deleted 1 mail from repository release-out");
        assertOk(cli.run("repo", "delete", "held", again.get(0).id()),
                "Deleted mail " + again.get(0).id() + " from repository held");
        assertFails(cli.run("repo", "delete", "held", again.get(0).id()), "no mail " + again.get(0).id() + " in repository held");
        assertOk(cli.run("repo", "list"), "error 0", "held 0", "release-out 0");
    }

    @Test
    void listsTheQueuesOfTheRunningServer() throws Exception {
        assertOk(cli.run("queue", "list"));
        // Held back by the spool itself, so the running pipeline leaves it be.
        String waiting = MailFixtures.spool(store.spool().begin(envelope("in-1", Optional.of("bob@remote.example"),
                List.of("alice@example.org"), "root", Optional.empty(), Optional.empty()),
                Instant.parse("2999-01-01T00:00:00Z")), message("later"));
        // No RemoteDelivery in this pipeline: nothing consumes "outgoing".
        String deferred = MailFixtures.spool(store.queue("outgoing").begin(envelope("out-1", Optional.empty(),
                List.of("x@remote.example"), "root", Optional.empty(), Optional.empty())), message("out"));
        assertThat(store.queue("outgoing").claim(1)).hasSize(1);
        store.queue("outgoing").release(deferred, "connection refused", 3_600_000);

        Result result = cli.run("queue", "list");
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.outLines()).hasSize(2);
        assertThat(result.outLines().get(0)).matches("outgoing " + deferred + " " + TIME + " 1 " + TIME
                + " <> x@remote.example connection refused");
        assertThat(result.outLines().get(1)).matches("spool " + waiting + " " + TIME
                + " 0 2999-01-01T00:00:00Z bob@remote.example alice@example.org -");
        assertOk(cli.run("queue", "list", "outgoing"), result.outLines().get(0));
    }

    private void send(String subject) throws Exception {
        Properties props = new Properties();
        props.put("mail.smtp.host", "127.0.0.1");
        props.put("mail.smtp.port", String.valueOf(server.listeners().get(0).address().getPort()));
        props.put("mail.smtp.connectiontimeout", "10000");
        props.put("mail.smtp.timeout", "10000");
        MimeMessage message = new MimeMessage(Session.getInstance(props));
        message.setFrom(new InternetAddress("bob@remote.example"));
        message.setRecipient(Message.RecipientType.TO, new InternetAddress("alice@example.org"));
        message.setSubject(subject);
        message.setText("hello\r\n");
        Transport.send(message);
    }

    private static String subjectOf(MailRepository repository, String id) {
        try (java.io.InputStream content = repository.open(id)) {
            return new String(content.readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII).lines()
                    .filter(line -> line.startsWith("Subject: ")).map(line -> line.substring("Subject: ".length()))
                    .findFirst().orElse("");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Waits (bounded) until the repository holds {@code count} mails; returns them, oldest first. */
    private static List<SpooledMail> await(MailRepository repository, int count) throws InterruptedException {
        for (int i = 0; i < 200 && repository.list().size() < count; i++) {
            Thread.sleep(50);
        }
        assertThat(repository.list()).as("mails in " + repository.name()).hasSize(count);
        return repository.list();
    }

    /** Waits (bounded) until the repository holds one mail that is not {@code gone}. */
    private static List<SpooledMail> awaitOther(MailRepository repository, String gone) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            List<SpooledMail> now = repository.list();
            if (now.size() == 1 && !now.get(0).id().equals(gone)) {
                return now;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the reprocessed mail did not come back to " + repository.name() + ": " + repository.list());
    }
}
