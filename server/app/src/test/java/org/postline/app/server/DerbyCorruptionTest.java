package org.postline.app.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.app.config.ConfigLoader;
import org.postline.app.config.LoadedConfig;

/** A Derby database damaged while the server was stopped stops the next start with a clear error. */
class DerbyCorruptionTest {

    @TempDir
    Path home;

    private PostlineServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private LoadedConfig config() throws Exception {
        Files.createDirectories(home.resolve("conf"));
        Path file = Files.writeString(home.resolve("conf/postline.xml"), """
                <postline>
                  <hostname>mail.test</hostname>
                  <domains default="example.org"><domain>example.org</domain></domains>
                  <listeners>
                    <smtp name="in" port="0" bind="127.0.0.1" tls="none" auth="optional"/>
                  </listeners>
                  <mailetcontainer file="%s"/>
                </postline>
                """.formatted(TestPipeline.write(home.resolve("conf"))));
        return new ConfigLoader(home, Map.of(), "mail.test").load(file);
    }

    @Test
    void garbledDataFilesFailTheStartNamingTheStore() throws Exception {
        LoadedConfig config = config();
        server = PostlineServer.start(config, home);
        server.store().users().add("alice@example.org", "pw".toCharArray());
        server.close();
        server = null;

        for (Path file : dataFiles()) {
            garble(file);
        }

        assertThatThrownBy(() -> server = PostlineServer.start(config, home))
                .isInstanceOf(StartupException.class)
                .hasMessageStartingWith("cannot open the store: ");
    }

    private List<Path> dataFiles() throws Exception {
        try (Stream<Path> files = Files.list(home.resolve("var/derby/seg0"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".dat")).toList();
        }
    }

    /** Overwrites every page after the first with a pattern no page checksum matches. */
    private static void garble(Path file) throws Exception {
        try (RandomAccessFile data = new RandomAccessFile(file.toFile(), "rw")) {
            byte[] junk = new byte[(int) Math.max(0, data.length() - 4096)];
            java.util.Arrays.fill(junk, (byte) 0x5a);
            data.seek(Math.min(4096, data.length()));
            data.write(junk);
        }
    }
}
