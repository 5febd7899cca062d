package org.postline.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The archive is written whole or not at all; without the launcher's JVM option there is none, and no error. */
class ClassDataArchiveTest {

    @TempDir
    Path directory;

    @Test
    void withoutTheLauncherNothingIsRequested() {
        assertThat(System.getProperty(ClassDataArchive.PROPERTY)).isNull();
        assertThat(ClassDataArchive.requested()).isEmpty();
    }

    @Test
    void aJvmNotRecordingDumpInfoLeavesNoFileBehind() throws Exception {
        // Surefire's JVM runs without -XX:+RecordDynamicDumpInfo: the dump is refused, the failure only logged.
        ClassDataArchive archive = new ClassDataArchive(directory.resolve("cds/postline-1.jsa"));

        archive.write();

        assertThat(archive.target()).doesNotExist();
        try (var left = Files.list(directory.resolve("cds"))) {
            assertThat(left).isEmpty();
        }
    }
}
