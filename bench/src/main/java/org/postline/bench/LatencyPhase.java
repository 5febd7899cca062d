package org.postline.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * End-to-end latency: from the SMTP 250 to the "* n EXISTS" an IMAP session in IDLE receives, first on an
 * idle server, then while background connections keep sending to another user.
 */
public final class LatencyPhase {

    public record Settings(int samples, int backgroundConnections, int backgroundRate, Duration sampleTimeout) {
    }

    private static final long PAUSE_MILLIS = 20;

    private final Target target;
    private final Messages messages;
    private final Settings settings;
    private final PrintStream log;

    public LatencyPhase(Target target, Messages messages, Settings settings, PrintStream log) {
        this.target = target;
        this.messages = messages;
        this.settings = settings;
        this.log = log;
    }

    public void run(Report report) throws IOException {
        Mailboxes mailboxes = new Mailboxes(target, log);
        log.printf("Latency: %d samples idle%n", settings.samples());
        mailboxes.empty(Target.LATENCY);
        record(report, "idle", "idle", sample());

        log.printf("Latency: %d samples under background load (%d connections, at most %d msg/s)%n",
                settings.samples(), settings.backgroundConnections(), settings.backgroundRate());
        mailboxes.empty(Target.LATENCY);
        mailboxes.empty(Target.LOAD);
        AtomicBoolean stop = new AtomicBoolean();
        CompletableFuture<SmtpLoad.Outcome> background = CompletableFuture.supplyAsync(() -> {
            try {
                return new SmtpLoad(target, messages).run(Target.LOAD, "background", Integer.MAX_VALUE,
                        settings.backgroundConnections(), true, Duration.ofHours(1), stop, settings.backgroundRate());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        long[] loaded;
        try {
            Thread.sleep(1000); // let the background load reach its pace
            loaded = sample();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            stop.set(true);
        }
        try {
            SmtpLoad.Outcome outcome = background.get(2, TimeUnit.MINUTES);
            record(report, "load", String.format(Locale.ROOT, "under load (%.0f msg/s background)",
                    outcome.perSecond()), loaded);
            // The backlog must be delivered before the next phase, or it would load that one too.
            if (mailboxes.awaitCount(Target.LOAD, outcome.accepted(), Duration.ofMinutes(10)).isEmpty()) {
                log.printf("Latency: the background load's %d messages did not all arrive%n", outcome.accepted());
            }
        } catch (IOException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException("background load failed: " + e.getMessage(), e);
        }
        mailboxes.empty(Target.LOAD);
        mailboxes.empty(Target.LATENCY);
    }

    /** Milliseconds from 250 to EXISTS, in microseconds, one per sample. */
    private long[] sample() throws IOException {
        long[] micros = new long[settings.samples()];
        try (ImapClient idler = target.imap(Target.LATENCY); SmtpClient smtp = target.smtp()) {
            int exists = idler.select(Target.INBOX);
            idler.idle();
            String to = target.address(Target.LATENCY);
            for (int i = 0; i < micros.length; i++) {
                int code = smtp.send(target.sender(), to, messages.message(to, "latency " + i));
                long accepted = System.nanoTime();
                if (code != 250) {
                    throw new IOException("latency message " + i + " refused with " + code);
                }
                if (!idler.awaitExists(exists + i + 1, settings.sampleTimeout().toNanos())) {
                    throw new IOException("latency message " + i + " not visible over IMAP within "
                            + settings.sampleTimeout());
                }
                micros[i] = (System.nanoTime() - accepted) / 1000;
                Thread.sleep(PAUSE_MILLIS);
            }
            idler.done();
            idler.logout();
            smtp.quit();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return micros;
    }

    private static void record(Report report, String key, String what, long[] micros) {
        long[] sorted = micros.clone();
        Arrays.sort(sorted);
        report.add(Result.time("latency." + key + ".p50", "SMTP 250 -> IMAP EXISTS p50, " + what,
                percentile(sorted, 50) / 1000.0, "ms", sorted.length + " samples"));
        report.add(Result.time("latency." + key + ".p99", "SMTP 250 -> IMAP EXISTS p99, " + what,
                percentile(sorted, 99) / 1000.0, "ms", ""));
    }

    static long percentile(long[] sorted, int percent) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.ceil(percent / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
