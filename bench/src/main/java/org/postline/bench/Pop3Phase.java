package org.postline.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * POP3 RETR throughput: one client, then four at once, each on its own maildrop (pop1..pop4). Each is measured
 * over several passes (RETR leaves the messages in place) and the median rate is reported; warm-up passes,
 * run the same way, are not counted.
 */
public final class Pop3Phase {

    public record Settings(int messagesPerUser, int repeats, int warmups) {
        public Settings {
            if (repeats < 1 || warmups < 0) {
                throw new IllegalArgumentException("POP3 repeats must be at least 1 and warm-up passes not negative");
            }
        }
    }

    private final Target target;
    private final Messages messages;
    private final Settings settings;
    private final PrintStream log;

    public Pop3Phase(Target target, Messages messages, Settings settings, PrintStream log) {
        this.target = target;
        this.messages = messages;
        this.settings = settings;
        this.log = log;
    }

    public void run(Report report) throws IOException {
        for (int user = 1; user <= 4; user++) {
            log.printf("POP3: filling pop%d's INBOX to %d messages%n", user, settings.messagesPerUser());
            new Mailboxes(target, log).fill("pop" + user, settings.messagesPerUser(), messages, 2);
        }
        for (int clients : new int[] {1, 4}) {
            log.printf("POP3: RETR of every message, %d client(s), %d warm-up and %d counted passes%n", clients,
                    settings.warmups(), settings.repeats());
            double[] rates = new double[settings.repeats()];
            long retrieved = 0;
            for (int pass = 0; pass < settings.warmups() + settings.repeats(); pass++) {
                long start = System.nanoTime();
                retrieved = retrieveAll(clients);
                if (pass >= settings.warmups()) {
                    rates[pass - settings.warmups()] = retrieved / ((System.nanoTime() - start) / 1e9);
                }
            }
            Arrays.sort(rates);
            report.add(Result.rate("pop3.retr.c" + clients, String.format(Locale.ROOT, "POP3 RETR, %d client(s)",
                    clients), rates[rates.length / 2], "msg/s", String.format(Locale.ROOT,
                    "%d messages a pass, median of %d%s", retrieved, rates.length,
                    settings.warmups() > 0 ? " after " + settings.warmups() + " warm-up" : "")));
        }
    }

    /** One pass: each of {@code clients} users retrieves every message of its maildrop, all at once. */
    private long retrieveAll(int clients) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Integer>> work = new ArrayList<>();
            for (int c = 1; c <= clients; c++) {
                String user = "pop" + c;
                work.add(pool.submit(() -> retrieveAll(user)));
            }
            long retrieved = 0;
            for (Future<Integer> done : work) {
                retrieved += done.get();
            }
            return retrieved;
        } catch (ExecutionException e) {
            throw new IOException("POP3 failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }

    private int retrieveAll(String user) throws IOException {
        try (Pop3Client pop3 = target.pop3(user)) {
            int count = pop3.stat();
            for (int i = 1; i <= count; i++) {
                pop3.retr(i);
            }
            pop3.quit();
            return count;
        }
    }
}
