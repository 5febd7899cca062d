package org.postline.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real full disk: var/ of the distribution on a small tmpfs (needs root, as in CI; elsewhere the test is
 * skipped), filled to the last byte while the server runs. SMTP must then refuse with 451/452, never 250,
 * and accept again by itself once space is freed; what it accepted is delivered.
 */
class DiskFullIT {

    private static final String USER = "dora@" + Installation.DOMAIN;
    private static final String PASSWORD = "dora-pw";
    /** Bounds the mail sent while the disk is full: enough to use up the log space Derby had allocated. */
    private static final int MAX_WHILE_FULL = 3_000;

    @TempDir
    Path work;

    private Installation postline;
    private Path var;
    private boolean mounted;

    @AfterEach
    void tearDown() throws Exception {
        if (postline != null) {
            postline.close();
        }
        if (mounted) {
            run("umount", "-l", var.toString());
        }
    }

    @Test
    void aFullDiskDefersMailWithoutLosingItAndRecoversWhenSpaceReturns() throws Exception {
        postline = new Installation(work);
        var = postline.home.resolve("var");
        Files.createDirectories(var);
        mounted = run("mount", "-t", "tmpfs", "-o", "size=96m,mode=0700", "tmpfs", var.toString()) == 0;
        assumeTrue(mounted, "needs root to mount a tmpfs for var/");
        postline.start();
        List<String> out = new ArrayList<>();
        assertThat(postline.admin(out, PASSWORD + "\n", "user", "add", USER)).as(out.toString()).isZero();
        try (LoadSession smtp = new LoadSession(postline.smtpPort)) {
            assertThat(smtp.send(USER, "before the disk filled")).startsWith("250");
        }

        Path ballast = var.resolve("ballast");
        fill(ballast);
        // Small mail goes into the database log, which Derby has already allocated on disk: such a commit is
        // durable and may still get 250. Once the log needs space the disk lacks, mail must be deferred.
        List<String> whileFull = new ArrayList<>();
        List<String> acceptedWhileFull = new ArrayList<>();
        boolean deferred = false;
        for (int i = 0; i < MAX_WHILE_FULL && !deferred; i++) {
            String subject = "while full " + i;
            try (LoadSession smtp = new LoadSession(postline.smtpPort)) {
                String answer = smtp.send(USER, subject);
                whileFull.add(answer);
                deferred = answer.startsWith("4");
                if (answer.startsWith("250")) {
                    acceptedWhileFull.add(subject);
                }
            }
        }
        assertThat(whileFull).as("replies while the disk is full")
                .allMatch(reply -> reply.matches("4(51|52) .*") || reply.startsWith("250"))
                .anyMatch(reply -> reply.matches("4(51|52) .*"));

        Files.delete(ballast);
        String reply = "";
        for (int i = 0; i < 60 && !reply.startsWith("250"); i++) {
            try (LoadSession smtp = new LoadSession(postline.smtpPort)) {
                reply = smtp.send(USER, "after space returned");
            }
            if (!reply.startsWith("250")) {
                Thread.sleep(500);
            }
        }
        assertThat(reply).as("a message once space is back").startsWith("250");

        List<String> expected = new ArrayList<>(acceptedWhileFull);
        expected.add("before the disk filled");
        expected.add("after space returned");
        List<String> subjects = new ArrayList<>();
        for (int i = 0; i < 120 && subjects.size() < expected.size(); i++) {
            subjects = Mailboxes.subjects("pop3", postline.pop3Port, USER, PASSWORD);
            Thread.sleep(500);
        }
        assertThat(subjects).as("every mail that got 250, and nothing else").containsExactlyInAnyOrderElementsOf(expected);
        assertThat(postline.terminate()).isIn(0, 143);
    }

    /** Writes zeros until the file system says it is full. */
    private static void fill(Path ballast) throws IOException {
        byte[] block = new byte[1 << 16];
        try (OutputStream out = Files.newOutputStream(ballast)) {
            while (true) {
                out.write(block);
            }
        } catch (IOException full) {
            assertThat(full.getMessage()).containsIgnoringCase("space");
        }
    }

    private static int run(String... command) throws Exception {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getInputStream().readAllBytes();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return -1;
            }
            return process.exitValue();
        } catch (IOException e) {
            return -1;
        }
    }
}
