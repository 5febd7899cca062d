package org.postline.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * SMTP accept throughput for each connection count, with a new connection per message and with reused
 * connections, and the rate at which the same messages become visible in the recipient's INBOX.
 */
public final class SmtpPhase {

    /**
     * @param drainLimit how long, after the last 250, the messages may take to all reach the mailbox
     * @param warmups    messages sent first and not counted (half with a new connection each, half over reused
     *                   ones, over the most connections asked for), so that a server still compiling its hot code
     *                   is not measured while it does; 0 for none
     */
    public record Settings(int messages, List<Integer> connections, Duration limit, Duration drainLimit,
                           boolean watchDelivery, int warmups) {
        public Settings {
            if (warmups < 0) {
                throw new IllegalArgumentException("SMTP warm-up messages must not be negative");
            }
        }
    }

    private final Target target;
    private final Messages messages;
    private final Settings settings;
    private final PrintStream log;

    public SmtpPhase(Target target, Messages messages, Settings settings, PrintStream log) {
        this.target = target;
        this.messages = messages;
        this.settings = settings;
        this.log = log;
    }

    public void run(Report report) throws IOException {
        Mailboxes mailboxes = new Mailboxes(target, log);
        warmUp(mailboxes);
        String warmed = settings.warmups() > 0 ? "after " + settings.warmups() + " warm-up messages" : "";
        for (int connections : settings.connections()) {
            for (boolean reuse : new boolean[] {false, true}) {
                String mode = reuse ? "reuse" : "new";
                String key = "smtp.c" + connections + "." + mode;
                if (settings.watchDelivery()) {
                    mailboxes.empty(Target.LOAD);
                }
                log.printf("SMTP: %d messages over %d connection(s), %s connection per message%n",
                        settings.messages(), connections, reuse ? "reused" : "a new");
                // The delivery watch polls from its own connection while the load runs.
                CompletableFuture<OptionalLong> delivered = !settings.watchDelivery()
                        ? CompletableFuture.completedFuture(OptionalLong.empty())
                        : CompletableFuture.supplyAsync(() -> {
                    try {
                        return mailboxes.awaitCount(Target.LOAD, settings.messages(),
                                settings.limit().plus(settings.drainLimit()));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                SmtpLoad.Outcome outcome = new SmtpLoad(target, messages).run(Target.LOAD, key,
                        settings.messages(), connections, reuse, settings.limit(), null);
                String note = join(warmed, outcome.deferred() > 0 ? outcome.deferred() + " answers 4xx, sent again" : "");
                if (outcome.timedOut()) {
                    note = join(note, "time limit reached after " + outcome.accepted() + " messages");
                }
                report.add(Result.rate(key + ".accept", String.format(Locale.ROOT,
                        "SMTP accepted, %d conn, %s conn/msg", connections, reuse ? "reused" : "new"),
                        outcome.perSecond(), "msg/s", note));
                double cpuPerMessage = outcome.clientCpuNanos() / 1e3 / Math.max(1, outcome.accepted());
                report.add(Result.time(key + ".clientcpu", String.format(Locale.ROOT,
                        "  client CPU per message, %d conn, %s", connections, mode), cpuPerMessage, "us",
                        "the benchmark's own cost"));
                if (!settings.watchDelivery()) {
                    continue;
                }
                if (!outcome.timedOut()) {
                    OptionalLong all = join(delivered);
                    if (all.isPresent()) {
                        double seconds = (all.getAsLong() - outcome.startNanos()) / 1e9;
                        report.add(Result.rate(key + ".delivered", String.format(Locale.ROOT,
                                "  delivered into INBOX, %d conn, %s", connections, mode),
                                outcome.accepted() / seconds, "msg/s", ""));
                    } else {
                        report.add(Result.rate(key + ".delivered", "  delivered into INBOX (incomplete)", 0,
                                "msg/s", "not all messages arrived within " + settings.drainLimit()));
                    }
                } else {
                    delivered.cancel(true);
                }
            }
        }
        if (settings.watchDelivery()) {
            mailboxes.empty(Target.LOAD);
        }
    }

    /** Sends the warm-up messages, waits until they are delivered and empties the INBOX again. */
    private void warmUp(Mailboxes mailboxes) throws IOException {
        if (settings.warmups() == 0) {
            return;
        }
        int connections = settings.connections().stream().mapToInt(Integer::intValue).max().orElse(1);
        log.printf("SMTP: %d warm-up messages over %d connection(s), not counted%n", settings.warmups(), connections);
        if (settings.watchDelivery()) {
            mailboxes.empty(Target.LOAD);
        }
        int accepted = 0;
        for (boolean reuse : new boolean[] {false, true}) {
            int count = reuse ? settings.warmups() - settings.warmups() / 2 : settings.warmups() / 2;
            SmtpLoad.Outcome outcome = new SmtpLoad(target, messages).run(Target.LOAD, "warm-up", count,
                    Math.min(connections, Math.max(1, count)), reuse, settings.limit(), null);
            accepted += outcome.accepted();
            if (outcome.timedOut()) {
                throw new IOException("the SMTP warm-up reached the time limit after " + accepted + " messages");
            }
        }
        if (settings.watchDelivery()) {
            // Stragglers of the warm-up must not be counted as delivered by the first counted run.
            if (mailboxes.awaitCount(Target.LOAD, accepted, settings.limit().plus(settings.drainLimit())).isEmpty()) {
                throw new IOException("the " + accepted + " warm-up messages were not all delivered within "
                        + settings.drainLimit());
            }
        }
    }

    private static OptionalLong join(CompletableFuture<OptionalLong> delivered) throws IOException {
        try {
            return delivered.get();
        } catch (ExecutionException e) {
            throw new IOException("watching the mailbox failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String join(String a, String b) {
        return a.isEmpty() ? b : b.isEmpty() ? a : a + "; " + b;
    }
}
