package org.postline.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code postline-bench run}: the phases against one server, a table on standard output, JSON to a file. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Drive SMTP, IMAP and POP3 load against a server; print a table and write JSON.")
final class RunCommand implements Callable<Integer> {

    @ParentCommand
    private Bench bench;

    @Option(names = "--name", defaultValue = "server", description = "What the server is, for the report.")
    private String name;
    @Option(names = "--host", defaultValue = "127.0.0.1")
    private String host;
    @Option(names = "--smtp-port", required = true)
    private int smtpPort;
    @Option(names = "--imap-port", defaultValue = "0")
    private int imapPort;
    @Option(names = "--pop3-port", defaultValue = "0")
    private int pop3Port;
    @Option(names = "--domain", defaultValue = "bench.test",
            description = "Domain of the users load, lat, imap, pop1..pop4 (default: ${DEFAULT-VALUE}).")
    private String domain;
    @Option(names = "--password", defaultValue = "bench-pw", description = "Password of every bench user.")
    private String password;
    @Option(names = "--bare-logins", description = "Log in as 'load' rather than 'load@domain'.")
    private boolean bareLogins;
    @Option(names = "--sender", defaultValue = "bench@remote.example")
    private String sender;
    @Option(names = "--phases", split = ",", defaultValue = "smtp,latency,imap,pop3",
            description = "Any of smtp, latency, imap, pop3 (default: ${DEFAULT-VALUE}).")
    private Set<String> phases;
    @Option(names = "--no-delivery", description = "SMTP only: do not watch mailboxes (a server without IMAP).")
    private boolean noDelivery;
    @Option(names = "--messages", defaultValue = "20000", description = "SMTP messages per run.")
    private int messages;
    @Option(names = "--size", defaultValue = "5120", description = "Message size in bytes.")
    private int size;
    @Option(names = "--connections", split = ",", defaultValue = "1,20")
    private List<Integer> connections;
    @Option(names = "--smtp-warmups", defaultValue = "0",
            description = "SMTP messages sent first and not counted, half with a new connection each (default: ${DEFAULT-VALUE}).")
    private int smtpWarmups;
    @Option(names = "--time-limit", defaultValue = "PT10M", description = "Per SMTP run (ISO-8601 duration).")
    private Duration timeLimit;
    @Option(names = "--drain-limit", defaultValue = "PT10M",
            description = "How long delivery may lag the last 250.")
    private Duration drainLimit;
    @Option(names = "--latency-samples", defaultValue = "200")
    private int latencySamples;
    @Option(names = "--background-connections", defaultValue = "4")
    private int backgroundConnections;
    @Option(names = "--background-rate", defaultValue = "50",
            description = "Messages a second of the background load during latency samples (0: flood).")
    private int backgroundRate;
    @Option(names = "--imap-messages", defaultValue = "10000")
    private int imapMessages;
    @Option(names = "--imap-bodies", defaultValue = "1000")
    private int imapBodies;
    @Option(names = "--imap-repeats", defaultValue = "5", description = "Counted IMAP rounds (median reported).")
    private int imapRepeats;
    @Option(names = "--imap-warmups", defaultValue = "1", description = "IMAP rounds run first and not counted.")
    private int imapWarmups;
    @Option(names = "--pop3-messages", defaultValue = "1000", description = "Messages in each of pop1..pop4.")
    private int pop3Messages;
    @Option(names = "--pop3-repeats", defaultValue = "3", description = "Counted POP3 passes (median reported).")
    private int pop3Repeats;
    @Option(names = "--pop3-warmups", defaultValue = "1", description = "POP3 passes run first and not counted.")
    private int pop3Warmups;
    @Option(names = "--server-pid", description = "Report this local process's peak resident memory.")
    private Long serverPid;
    @Option(names = "--startup-ms", description = "Record a start-up time measured by 'startup'.")
    private Double startupMillis;
    @Option(names = "--client-check",
            description = "First measure the client alone against a null SMTP sink in this process.")
    private boolean clientCheck;
    @Option(names = "--json", description = "Write the results here.")
    private Path json;
    @Option(names = "--timeout", defaultValue = "PT60S", description = "Socket timeout.")
    private Duration timeout;

    @Override
    public Integer call() throws IOException {
        Target target = new Target(host, smtpPort, imapPort, pop3Port, domain, password, !bareLogins, sender,
                (int) timeout.toMillis());
        Messages generator = new Messages(sender, size);
        Report report = new Report();
        report.about("server", name);
        report.about("started", Instant.now().toString());
        report.about("machine", Machine.describe());
        report.about("messages", messages + " x " + size + " bytes");
        var log = bench.err();
        if (clientCheck) {
            try (NullSmtpSink sink = NullSmtpSink.start()) {
                Target sinkTarget = new Target(host, sink.port(), 0, 0, domain, password, true, sender,
                        (int) timeout.toMillis());
                for (int c : connections) {
                    SmtpLoad.Outcome outcome = new SmtpLoad(sinkTarget, generator).run(Target.LOAD, "sink",
                            messages, c, true, timeLimit, null);
                    report.add(Result.rate("client.sink.c" + c, String.format(Locale.ROOT,
                            "client alone (null sink), %d conn", c), outcome.perSecond(), "msg/s",
                            "the client's own ceiling"));
                }
            }
        }
        if (phases.contains("smtp")) {
            new SmtpPhase(target, generator, new SmtpPhase.Settings(messages, connections, timeLimit, drainLimit,
                    !noDelivery, smtpWarmups), log).run(report);
        }
        if (phases.contains("latency")) {
            new LatencyPhase(target, generator, new LatencyPhase.Settings(latencySamples, backgroundConnections,
                    backgroundRate, Duration.ofSeconds(120)), log).run(report);
        }
        if (phases.contains("imap")) {
            new ImapPhase(target, generator, new ImapPhase.Settings(imapMessages, imapBodies, imapRepeats,
                    imapWarmups), log).run(report);
        }
        if (phases.contains("pop3")) {
            new Pop3Phase(target, generator, new Pop3Phase.Settings(pop3Messages, pop3Repeats, pop3Warmups), log)
                    .run(report);
        }
        if (startupMillis != null) {
            report.add(Result.time("server.startup", "server start -> SMTP greeting", startupMillis, "ms", ""));
        }
        if (serverPid != null) {
            ServerProcess.peakResidentKib(serverPid).ifPresentOrElse(
                    kib -> report.add(Result.time("server.rss.peak", "server peak resident memory (VmHWM)",
                            kib / 1024.0, "MiB", "pid " + serverPid)),
                    () -> log.println("no /proc/" + serverPid + "/status: peak memory not reported"));
        }
        report.printTable(bench.out());
        if (json != null) {
            report.writeJson(json);
        }
        return 0;
    }
}
