package org.postline.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.app.config.ConfigLoader;
import org.postline.app.server.PostlineServer;
import org.postline.app.Postline;
import org.postline.app.cli.Terminal;

/**
 * The bench command end to end with tiny counts: against an in-process Postline on free loopback ports (every
 * phase, JSON written and read back), against the ceiling harness (messages really land on disk), and the
 * comparison of the two runs.
 */
class BenchSmokeTest {

    private static final Path SHIPPED_PIPELINE = Path.of("../conf/mailetcontainer.xml").toAbsolutePath().normalize();
    private static final List<String> USERS = List.of("load", "lat", "imap", "pop1", "pop2", "pop3", "pop4");

    @TempDir
    Path home;

    private PostlineServer server;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Path file = Files.writeString(home.resolve("conf/postline.xml"), """
                <postline>
                  <hostname>mail.test</hostname>
                  <domains default="bench.test"><domain>bench.test</domain></domains>
                  <listeners>
                    <smtp name="in" port="0" bind="127.0.0.1" tls="none" auth="optional"/>
                    <imap name="imap" port="0" bind="127.0.0.1" tls="none"/>
                    <pop3 name="pop3" port="0" bind="127.0.0.1" tls="none"/>
                  </listeners>
                  <mailetcontainer file="%s"/>
                </postline>
                """.formatted(SHIPPED_PIPELINE));
        server = PostlineServer.start(new ConfigLoader(home, Map.of(), "mail.test").load(file), home);
        // As compare.sh does: through the admin command line, password on standard input.
        for (String user : USERS) {
            Terminal terminal = new Terminal(Optional.empty(),
                    new ByteArrayInputStream("bench-pw\n".getBytes(StandardCharsets.UTF_8)),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
            assertThat(new Postline(terminal, false).execute("--home", home.toString(), "--conf", file.toString(),
                    "user", "add", user + "@bench.test")).as("user add; stderr:%n%s", err).isZero();
        }
        out.reset();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void everyPhaseRunsAgainstPostlineAndTheCeilingAndTheRunsCompare() throws Exception {
        Path postlineJson = home.resolve("postline.json");
        int exit = bench("run", "--name", "postline", "--smtp-port", port("in"), "--imap-port", port("imap"),
                "--pop3-port", port("pop3"), "--messages", "12", "--smtp-warmups", "5", "--connections", "1,3", "--latency-samples", "3",
                "--background-connections", "2", "--imap-messages", "25", "--imap-bodies", "10",
                "--imap-repeats", "2", "--imap-warmups", "1", "--pop3-messages", "4", "--pop3-repeats", "2",
                "--pop3-warmups", "1", "--client-check",
                "--server-pid", Long.toString(ProcessHandle.current().pid()), "--json", postlineJson.toString());
        assertThat(exit).as("exit code; stderr:%n%s", err).isZero();
        System.out.println(out.toString(StandardCharsets.UTF_8));

        Report report = Report.readJson(postlineJson);
        assertThat(report.results()).extracting(Result::key).contains(
                "client.sink.c1", "smtp.c1.new.accept", "smtp.c3.reuse.accept", "smtp.c3.reuse.delivered",
                "latency.idle.p50", "latency.load.p99", "imap.select", "imap.fetch.meta", "imap.fetch.envelope",
                "imap.fetch.body", "imap.search", "imap.store", "pop3.retr.c1", "pop3.retr.c4", "server.rss.peak");
        assertThat(report.results()).allSatisfy(result -> assertThat(result.value()).as(result.key()).isPositive());
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("SMTP accepted, 3 conn, reused conn/msg");
        // Warm-up rounds run but are not counted.
        assertThat(report.results()).filteredOn(result -> result.key().endsWith(".accept"))
                .extracting(Result::note).containsOnly("after 5 warm-up messages");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("SMTP: 5 warm-up messages over 3 connection(s)");
        assertThat(report.results()).filteredOn(result -> result.key().equals("imap.fetch.meta"))
                .extracting(Result::note).containsExactly("median of 2 after 1 warm-up");
        assertThat(report.results()).filteredOn(result -> result.key().equals("pop3.retr.c4"))
                .extracting(Result::note).containsExactly("16 messages a pass, median of 2 after 1 warm-up");
        // Every phase leaves what it sent behind it: the load and latency mailboxes are emptied again.
        assertThat(new Mailboxes(target()).count(Target.LOAD)).isZero();
        assertThat(new Mailboxes(target()).count(Target.IMAP)).isEqualTo(25);

        Path ceilingJson = home.resolve("ceiling.json");
        Path stored = home.resolve("ceiling");
        try (CeilingServer ceiling = CeilingServer.start("127.0.0.1", 0, stored)) {
            exit = bench("run", "--name", "ceiling", "--smtp-port", Integer.toString(ceiling.address().getPort()),
                    "--phases", "smtp", "--no-delivery", "--messages", "10", "--connections", "20",
                    "--json", ceilingJson.toString());
        }
        assertThat(exit).as("exit code; stderr:%n%s", err).isZero();
        try (Stream<Path> files = Files.list(stored)) {
            assertThat(files.count()).as("one synced file per message, two runs of 10").isEqualTo(20);
        }

        out.reset();
        exit = bench("compare", "--candidate", postlineJson.toString(), "--baseline", "ceiling=" + ceilingJson);
        assertThat(exit).isZero();
        // Postline ran 3 connections, the ceiling 20: nothing in common, so only the heading.
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("postline vs ceiling");
        out.reset();
        exit = bench("compare", "--candidate", postlineJson.toString(), "--baseline", "postfix=" + postlineJson);
        assertThat(exit).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).containsPattern("POP3 RETR, 1 client\\(s\\) .* 1\\.00 +>= 0\\.80 yes");
    }

    private Target target() {
        return new Target("127.0.0.1", 0, Integer.parseInt(port("imap")), 0, "bench.test", "bench-pw", true,
                "bench@remote.example", 10_000);
    }

    private int bench(String... args) {
        return new Bench(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).execute(args);
    }

    private String port(String listener) {
        return Integer.toString(server.listeners().stream().filter(bound -> bound.name().equals(listener))
                .findFirst().orElseThrow().address().getPort());
    }
}
