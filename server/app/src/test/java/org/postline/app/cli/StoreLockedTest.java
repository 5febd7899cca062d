package org.postline.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.app.cli.CliRunner.Result;

/** Another process holds the embedded store and no server answers on the admin socket: say so plainly. */
class StoreLockedTest {

    @TempDir
    Path dir;

    @Test
    void explainsThatTheStoreIsInUse() throws Exception {
        Path home = CliFixture.home(dir);
        Process holder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), HoldStore.class.getName(), home.resolve("var").toString())
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader output = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String line;
            boolean ready = false;
            for (int i = 0; i < 500 && (line = output.readLine()) != null; i++) {
                if (line.equals("ready")) {
                    ready = true;
                    break;
                }
            }
            assertThat(ready).as("the holder process opened the store").isTrue();

            Result result = new CliRunner(home).run("domain", "list");

            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.err()).hasLineCount(1)
                    .contains("cannot open the store")
                    .contains("in use by another Postline process")
                    .contains("no server answers on the admin socket " + home.resolve("var/admin.sock"));
        } finally {
            holder.getOutputStream().close();
            if (!holder.waitFor(30, TimeUnit.SECONDS)) {
                holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        assertThat(List.of(holder.exitValue())).isNotNull();
    }
}
