package org.postline.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.app.Postline;

/**
 * {@code postline run} as its own process with the shipped conf/logback.xml: it gets ready, answers the
 * command line through the admin socket, and on SIGTERM stops in order and exits 0.
 */
class RunProcessTest {

    private static final Path REPO_CONF = Path.of("../../conf").toAbsolutePath().normalize();

    @TempDir
    Path home;

    @Test
    void runsUntilSigtermThenExitsZero() throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/postline.xml"), """
                <postline>
                  <domains default="example.org"><domain>example.org</domain></domains>
                  <listeners><smtp name="in" port="0" bind="127.0.0.1" tls="none"/></listeners>
                  <mailetcontainer file="%s"/>
                </postline>
                """.formatted(TestPipeline.write(home.resolve("conf"))));
        Process server = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"),
                "-Dlogback.configurationFile=" + REPO_CONF.resolve("logback.xml"),
                "-Ddns.server=" + System.getProperty("dns.server"), // the test JVM's loopback-only resolver
                Postline.class.getName(), "--home", home.toString(), "run")
                .redirectErrorStream(true)
                .start();
        List<String> output = new ArrayList<>();
        try {
            BufferedReader lines = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
            String line;
            boolean ready = false;
            while (!ready && output.size() < 1000 && (line = lines.readLine()) != null) {
                output.add(line);
                ready = line.contains("Postline ready: in 127.0.0.1:");
            }
            assertThat(ready).as(String.join("\n", output)).isTrue();

            // While it runs, the command line goes through the admin socket.
            Process cli = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), Postline.class.getName(),
                    "--home", home.toString(), "domain", "add", "example.net")
                    .redirectErrorStream(true).start();
            assertThat(cli.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(cli.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("Added domain example.net\n");
            assertThat(cli.exitValue()).isZero();

            // SIGTERM; Process.destroy() would also close our end of its output.
            assertThat(server.toHandle().destroy()).isTrue();
            assertThat(server.waitFor(60, TimeUnit.SECONDS)).isTrue();
            while ((line = lines.readLine()) != null && output.size() < 2000) {
                output.add(line);
            }
        } finally {
            if (server.isAlive()) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertThat(server.exitValue()).as(String.join("\n", output)).isZero();
        assertThat(output).anyMatch(l -> l.contains("Postline stopped"));
        assertThat(home.resolve("var/admin.sock")).doesNotExist();
        String logFile = Files.readString(home.resolve("var/logs/postline.log"));
        assertThat(logFile).contains("Postline ready").contains("Admin: domain add example.net -> done").contains("Postline stopped")
                .doesNotContain("newer than this version of Flyway");
    }
}
