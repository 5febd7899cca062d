package org.postline.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

/** A server process seen from outside: how long it takes to greet on a port, how much memory it peaked at. */
public final class ServerProcess {

    private ServerProcess() {
    }

    /** Peak resident set (VmHWM) of a process, in KiB, from /proc; empty if the process or file is gone. */
    public static OptionalLong peakResidentKib(long pid) {
        return statusField(pid, "VmHWM:");
    }

    public static OptionalLong residentKib(long pid) {
        return statusField(pid, "VmRSS:");
    }

    private static OptionalLong statusField(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"),
                    StandardCharsets.US_ASCII)) {
                if (line.startsWith(field)) {
                    return OptionalLong.of(Long.parseLong(line.substring(field.length()).trim().split("\\s+")[0]));
                }
            }
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    /** A started process and how long it took to greet. */
    public record Started(Process process, Duration untilGreeting) {
    }

    /**
     * Starts {@code command} (output to {@code log}) and waits until an SMTP greeting (220) comes from
     * host:port. @throws IOException if the process dies or does not greet within {@code limit}
     */
    public static Started start(List<String> command, Path log, String host, int port, Duration limit)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        long start = System.nanoTime();
        Process process = builder.start();
        long deadline = start + limit.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the server exited with " + process.exitValue() + "; see " + log);
            }
            try (SmtpClient ignored = SmtpClient.open(host, port, 1000)) {
                return new Started(process, Duration.ofNanos(System.nanoTime() - start));
            } catch (IOException notYet) {
                sleep(10);
            }
        }
        process.destroy();
        throw new IOException("no SMTP greeting on " + host + ":" + port + " within " + limit + "; see " + log);
    }

    private static void sleep(long millis) throws IOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
