package org.postline.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/** What the benchmark does to mailboxes over IMAP: empty them, fill them, watch them fill. */
public final class Mailboxes {

    private static final long POLL_MILLIS = 100;
    private static final int ATTEMPTS = 3;

    private final Target target;
    private final java.io.PrintStream log;

    public Mailboxes(Target target) {
        this(target, System.err);
    }

    /** @param log where a connection the server dropped is reported before the work is tried again */
    public Mailboxes(Target target, java.io.PrintStream log) {
        this.target = target;
        this.log = log;
    }

    private interface Work<T> {
        T run() throws IOException;
    }

    /**
     * Housekeeping (emptying, counting, filling) is not what is measured: a dropped connection is reported
     * and the work tried again on a new one, up to {@link #ATTEMPTS} times.
     */
    private <T> T retrying(String what, Work<T> work) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return work.run();
            } catch (java.io.EOFException | java.net.SocketException e) {
                if (attempt == ATTEMPTS) {
                    throw e;
                }
                log.printf("warning: %s: %s; trying again%n", what, e.getMessage());
            }
        }
    }

    /** Deletes every message in the user's INBOX. */
    public void empty(String user) throws IOException {
        retrying("emptying " + user + "'s INBOX", () -> {
            emptyOnce(user);
            return null;
        });
    }

    private void emptyOnce(String user) throws IOException {
        try (ImapClient imap = target.imap(user)) {
            if (imap.select(Target.INBOX) > 0) {
                ImapClient.ok(imap.command("STORE 1:* +FLAGS.SILENT (\\Deleted)", line -> { }), "STORE");
            }
            // CLOSE expunges without an untagged EXPUNGE per message.
            ImapClient.ok(imap.command("CLOSE", line -> { }), "CLOSE");
            imap.logout();
        }
    }

    public int count(String user) throws IOException {
        return retrying("counting " + user + "'s INBOX", () -> countOnce(user));
    }

    private int countOnce(String user) throws IOException {
        try (ImapClient imap = target.imap(user)) {
            int count = imap.messages(Target.INBOX);
            imap.logout();
            return count;
        }
    }

    /**
     * Polls the INBOX until it holds {@code expected} messages; returns when the count was first seen
     * (System.nanoTime), or empty if it was not reached within {@code limit}.
     */
    public java.util.OptionalLong awaitCount(String user, int expected, Duration limit) throws IOException {
        long deadline = System.nanoTime() + limit.toNanos();
        try (ImapClient imap = target.imap(user)) {
            while (System.nanoTime() < deadline) {
                if (imap.messages(Target.INBOX) >= expected) {
                    long seen = System.nanoTime();
                    imap.logout();
                    return java.util.OptionalLong.of(seen);
                }
                try {
                    Thread.sleep(POLL_MILLIS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            return java.util.OptionalLong.empty();
        }
    }

    /**
     * Appends messages until the INBOX holds at least {@code count}, over a few connections. The message
     * numbered {@code count / 2} has the subject "needle", the one a SEARCH benchmark looks for.
     */
    public void fill(String user, int count, Messages messages, int connections) throws IOException {
        int existing = count(user);
        if (existing >= count) {
            return;
        }
        AtomicInteger next = new AtomicInteger(existing);
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            List<Future<Void>> workers = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                workers.add(pool.submit(() -> retrying("filling " + user + "'s INBOX", () -> {
                    try (ImapClient imap = target.imap(user)) {
                        int index;
                        while ((index = next.getAndIncrement()) < count) {
                            String subject = index == count / 2 ? "needle " + index : "bench " + user + " " + index;
                            imap.append(Target.INBOX, messages.message(target.address(user), subject));
                        }
                        imap.logout();
                    }
                    return null;
                })));
            }
            for (Future<Void> worker : workers) {
                worker.get();
            }
        } catch (ExecutionException e) {
            throw new IOException("filling " + user + "'s INBOX failed: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            pool.shutdownNow();
        }
    }
}
