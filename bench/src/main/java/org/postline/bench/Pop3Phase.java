package org.postline.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** POP3 RETR throughput: one client, then four at once, each on its own maildrop (pop1..pop4). */
public final class Pop3Phase {

    public record Settings(int messagesPerUser) {
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
            log.printf("POP3: RETR of every message, %d client(s)%n", clients);
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            long start = System.nanoTime();
            long retrieved = 0;
            try {
                List<Future<Integer>> work = new ArrayList<>();
                for (int c = 1; c <= clients; c++) {
                    String user = "pop" + c;
                    work.add(pool.submit(() -> retrieveAll(user)));
                }
                for (Future<Integer> done : work) {
                    retrieved += done.get();
                }
            } catch (ExecutionException e) {
                throw new IOException("POP3 failed: " + e.getCause().getMessage(), e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } finally {
                pool.shutdownNow();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            report.add(Result.rate("pop3.retr.c" + clients, String.format(Locale.ROOT, "POP3 RETR, %d client(s)",
                    clients), retrieved / seconds, "msg/s", retrieved + " messages"));
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
