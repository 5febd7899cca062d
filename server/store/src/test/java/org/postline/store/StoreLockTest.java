package org.postline.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.StoreException;
import org.postline.api.config.StorageConfig;

class StoreLockTest {

    @TempDir
    Path dir;

    @Test
    void saysClearlyWhenAnotherProcessHasTheDatabase() throws Exception {
        StorageConfig config = StoreFixture.config(dir);
        Store.open(config, "example.org").close(); // create it

        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                HoldDerbyDatabase.class.getName(), config.jdbcUrl(), dir.resolve("child-derby.log").toString())
                .redirectErrorStream(true)
                .start();
        try {
            BufferedReader output = new BufferedReader(
                    new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
            String firstLine = CompletableFuture.supplyAsync(() -> {
                try {
                    return output.readLine();
                } catch (java.io.IOException e) {
                    return "failed: " + e;
                }
            }).get(60, TimeUnit.SECONDS);
            assertThat(firstLine).isEqualTo("ready");

            assertThatThrownBy(() -> Store.open(config, "example.org"))
                    .isInstanceOf(StoreException.class)
                    .hasMessage("the database " + dir.resolve("derby").toAbsolutePath()
                            + " is in use by another Postline process; stop that one first");
        } finally {
            holder.getOutputStream().close();
            if (!holder.waitFor(30, TimeUnit.SECONDS)) {
                holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }

        try (Store store = Store.open(config, "example.org")) {
            assertThat(store.domains().list()).isEmpty();
        }
    }
}
