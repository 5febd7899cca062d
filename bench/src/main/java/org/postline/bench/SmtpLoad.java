package org.postline.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Sends messages over C connections until N are accepted or the time limit passes. A 4xx answer (a full
 * spool, a throttle) is counted and the same message is sent again a moment later: the rate is of accepted
 * messages.
 */
public final class SmtpLoad {

    /** What a load run did. */
    public record Outcome(int accepted, int deferred, long startNanos, long endNanos, boolean timedOut,
                          long clientCpuNanos) {

        public double seconds() {
            return (endNanos - startNanos) / 1e9;
        }

        public double perSecond() {
            return accepted / Math.max(seconds(), 1e-9);
        }
    }

    private static final long DEFER_PAUSE_MILLIS = 20;

    private final Target target;
    private final Messages messages;

    public SmtpLoad(Target target, Messages messages) {
        this.target = target;
        this.messages = messages;
    }

    /**
     * @param reuse one connection per thread for all its messages, or a new connection for every message
     * @param stop  set by the caller to end an open-ended load early (background load); may be null
     */
    public Outcome run(String recipient, String tag, int count, int connections, boolean reuse, Duration limit,
                       AtomicBoolean stop) throws IOException {
        return run(recipient, tag, count, connections, reuse, limit, stop, 0);
    }

    /**
     * @param perSecond at most this many messages a second over all connections (0: as fast as accepted); a
     *                  paced load is a background load a server can keep up with, not a flood
     */
    public Outcome run(String recipient, String tag, int count, int connections, boolean reuse, Duration limit,
                       AtomicBoolean stop, int perSecond) throws IOException {
        java.util.concurrent.atomic.AtomicLong nextSlot = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());
        long interval = perSecond > 0 ? 1_000_000_000L / perSecond : 0;
        AtomicInteger next = new AtomicInteger();
        AtomicInteger accepted = new AtomicInteger();
        AtomicInteger deferred = new AtomicInteger();
        AtomicBoolean timedOut = new AtomicBoolean();
        String to = target.address(recipient);
        long start = System.nanoTime();
        long deadline = start + limit.toNanos();
        long cpuBefore = processCpuNanos();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        try {
            List<Future<Void>> workers = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                workers.add(pool.submit(() -> {
                    SmtpClient client = null;
                    try {
                        int index;
                        while ((index = next.getAndIncrement()) < count) {
                            byte[] message = messages.message(to, tag + " " + index);
                            if (interval > 0) {
                                long slot = nextSlot.getAndAdd(interval);
                                long wait = slot - System.nanoTime();
                                if (wait > 0) {
                                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                                }
                            }
                            while (true) {
                                if (System.nanoTime() > deadline) {
                                    timedOut.set(true);
                                    return null;
                                }
                                if (stop != null && stop.get()) {
                                    return null;
                                }
                                if (client == null) {
                                    client = target.smtp();
                                }
                                int code = client.send(target.sender(), to, message);
                                if (!reuse) {
                                    client.quit();
                                    client.close();
                                    client = null;
                                }
                                if (code == 250) {
                                    accepted.incrementAndGet();
                                    break;
                                }
                                if (code / 100 != 4) {
                                    throw new IOException("message " + index + " refused with " + code);
                                }
                                deferred.incrementAndGet();
                                Thread.sleep(DEFER_PAUSE_MILLIS);
                            }
                        }
                        return null;
                    } finally {
                        if (client != null) {
                            try {
                                client.quit();
                            } catch (IOException ignored) {
                                // closing anyway
                            }
                            client.close();
                        }
                    }
                }));
            }
            for (Future<Void> worker : workers) {
                try {
                    worker.get();
                } catch (ExecutionException e) {
                    stopAll(next, count);
                    throw new IOException("SMTP load failed: " + e.getCause().getMessage(), e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        return new Outcome(accepted.get(), deferred.get(), start, System.nanoTime(), timedOut.get(),
                processCpuNanos() - cpuBefore);
    }

    private static void stopAll(AtomicInteger next, int count) {
        next.set(count);
    }

    /** CPU time this benchmark process has used: the client's own cost, to show it is not the bottleneck. */
    static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }
}
