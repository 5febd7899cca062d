package org.postline.distribution;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A private copy of the assembled distribution, configured for free loopback ports, driven through
 * {@code bin/postline} exactly as a user would.
 */
final class Installation implements AutoCloseable {

    static final String DOMAIN = "example.test";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    final Path home;
    final int smtpPort;
    final int submissionPort;
    final int pop3Port;
    final int imapPort;
    private Process server;
    private Thread reader;
    final List<String> output = new CopyOnWriteArrayList<>();

    Installation(Path workDir) throws IOException {
        Path dist = Path.of(System.getProperty("postline.dist", "target/postline-dist-missing"));
        if (!Files.isExecutable(dist.resolve("bin/postline"))) {
            throw new IllegalStateException("no assembled distribution at " + dist + "; run mvn verify");
        }
        home = workDir.resolve("postline");
        copyTree(dist, home);
        smtpPort = freePort();
        submissionPort = freePort();
        pop3Port = freePort();
        imapPort = freePort();
        Files.writeString(home.resolve("conf/postline.xml"), config(), StandardCharsets.UTF_8);
    }

    private String config() {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <postline>
                  <hostname>mx.example.test</hostname>
                  <domains default="%1$s">
                    <domain>%1$s</domain>
                  </domains>
                  <listeners>
                    <smtp name="smtp" port="%2$d" bind="127.0.0.1" tls="starttls" auth="optional"/>
                    <smtp name="submission" port="%3$d" bind="127.0.0.1" tls="starttls" auth="required"/>
                    <pop3 name="pop3" port="%4$d" bind="127.0.0.1" tls="starttls"/>
                    <imap name="imap" port="%5$d" bind="127.0.0.1" tls="starttls"/>
                  </listeners>
                  <spool workers="2" maxAttempts="5" retryDelay="1s" maxQueued="10000"/>
                </postline>
                """.formatted(DOMAIN, smtpPort, submissionPort, pop3Port, imapPort);
    }

    /**
     * Mail for other domains goes to a smart host on loopback without TLS, retried after a second, and clients
     * on loopback may relay: the fault tests drive remote deliveries without DNS or AUTH.
     */
    void relayThrough(int smartHostPort) throws IOException {
        replace("conf/mailetcontainer.xml", "<delayTime>5m, 15m, 30m, 1h, 2h, 4h</delayTime>",
                "<delayTime>1s, 1s, 2s, 2s, 5s</delayTime>\n        <gateway>127.0.0.1:" + smartHostPort
                        + "</gateway>\n        <gatewayTls>none</gatewayTls>");
        replace("conf/postline.xml", "</listeners>",
                "</listeners>\n  <relay><network>127.0.0.0/8</network></relay>");
    }

    /** Every logger at the most talkative level, so a test of the logs sees everything the server could write. */
    void logEverything() throws IOException {
        Path file = home.resolve("conf/logback.xml");
        String text = Files.readString(file, StandardCharsets.UTF_8)
                .replaceAll("level=\"[A-Z]+\"", "level=\"TRACE\"");
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }

    private void replace(String relative, String from, String to) throws IOException {
        Path file = home.resolve(relative);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (!text.contains(from)) {
            throw new IllegalStateException(relative + " no longer holds " + from);
        }
        Files.writeString(file, text.replace(from, to), StandardCharsets.UTF_8);
    }

    /** Runs an admin command to its end; returns its exit code, output in {@code out}. */
    int admin(List<String> out, String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/postline").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true).start();
        try (var in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        String text = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("postline " + String.join(" ", args) + " did not finish");
        }
        out.addAll(text.lines().toList());
        return process.exitValue();
    }

    /** Starts {@code bin/postline run} and waits for its ready line. */
    void start() throws Exception {
        output.clear();
        server = new ProcessBuilder(home.resolve("bin/postline").toString(), "run")
                .directory(home.toFile()).redirectErrorStream(true).start();
        reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    output.add(line);
                }
            } catch (IOException e) {
                // The process went away; what it printed is in output.
            }
        }, "postline-output");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (output.stream().anyMatch(line -> line.contains("Postline ready"))) {
                return;
            }
            if (!server.isAlive()) {
                throw new AssertionError("postline run exited with " + server.exitValue() + ":\n" + String.join("\n", output));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("postline run not ready after " + START_TIMEOUT + ":\n" + String.join("\n", output));
    }

    /** SIGTERM, then waits for the process to end; returns its exit code. */
    int terminate() throws InterruptedException {
        // Through the handle: Process.destroy() would also close our end of its output and lose its last lines.
        server.toHandle().destroy();
        if (!server.waitFor(90, TimeUnit.SECONDS)) {
            server.destroyForcibly();
            throw new AssertionError("postline did not stop within 90 s of SIGTERM:\n" + String.join("\n", output));
        }
        reader.join(10_000); // what the process printed last is in output before anyone looks
        return server.exitValue();
    }

    /** The server's process id: the launcher execs the JVM, so this is the JVM's. */
    long pid() {
        return server.pid();
    }

    boolean isAlive() {
        return server != null && server.isAlive();
    }

    /** SIGKILL: no shutdown hook runs. */
    void kill() throws InterruptedException {
        server.destroyForcibly();
        server.waitFor(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        if (server != null && server.isAlive()) {
            kill();
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            paths.forEach(source -> {
                Path target = to.resolve(from.relativize(source).toString());
                try {
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target, StandardCopyOption.COPY_ATTRIBUTES);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
