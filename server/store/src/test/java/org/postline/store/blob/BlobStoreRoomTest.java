package org.postline.store.blob;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BlobStore#hasRoomFor}: the free space is asked afresh on every call, of the root's file system. */
class BlobStoreRoomTest {

    private static final long MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private boolean mounted;

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            run("umount", "-l", dir.resolve("small").toString());
        }
    }

    @Test
    void roomIsTheRootsUsableSpaceLessTheReserve() throws IOException {
        BlobStore blobs = new BlobStore(dir.resolve("blobs"));
        long usable = Files.getFileStore(dir).getUsableSpace();
        assumeTrue(usable > 4 * BlobStore.LOCAL_DISK_RESERVE, "needs a disk with some room");

        assertThat(blobs.hasRoomFor(0)).isTrue();
        assertThat(blobs.hasRoomFor(usable / 2)).isTrue();
        assertThat(blobs.hasRoomFor(usable)).as("the reserve is kept").isFalse();
        assertThat(blobs.hasRoomFor(usable / 2)).as("asked again").isTrue();
    }

    /** A small tmpfs (needs root, as in CI; skipped elsewhere) filled and emptied under a store in use. */
    @Test
    void roomFollowsTheDiskFillingAndEmptying() throws Exception {
        Path small = dir.resolve("small");
        Files.createDirectories(small);
        mounted = run("mount", "-t", "tmpfs", "-o", "size=64m,mode=0700", "tmpfs", small.toString()) == 0;
        assumeTrue(mounted, "needs root to mount a tmpfs");
        BlobStore blobs = new BlobStore(small.resolve("blobs"));
        assertThat(blobs.hasRoomFor(30 * MIB)).isTrue();

        Path ballast = small.resolve("ballast");
        Files.write(ballast, new byte[(int) (40 * MIB)]);
        assertThat(blobs.hasRoomFor(30 * MIB)).as("with 40 MiB of 64 used").isFalse();
        assertThat(blobs.hasRoomFor(MIB)).isTrue();

        Files.delete(ballast);
        assertThat(blobs.hasRoomFor(30 * MIB)).as("once the ballast is gone").isTrue();
    }

    private static int run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return -1;
        }
        return process.exitValue();
    }
}
