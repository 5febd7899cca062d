package org.postline.container.remote;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Idle SMTP connections kept a few seconds after a transaction, so the next mail for the same host goes on
 * the same connection (checked with NOOP first). Connections in use are tracked too, so a shutdown can cut
 * them short.
 */
final class ConnectionPool implements AutoCloseable {

    private static final int MAX_IDLE_PER_TARGET = 4;

    private record Idle(DeliveryTransport transport, long since) {
    }

    private final Duration keepIdle;
    private final Map<String, Deque<Idle>> idle = new HashMap<>();
    private final Set<DeliveryTransport> inUse = ConcurrentHashMap.newKeySet();
    private boolean closed;

    ConnectionPool(Duration keepIdle) {
        this.keepIdle = keepIdle;
    }

    /** A live idle connection to the target, now in use; empty if there is none. */
    Optional<DeliveryTransport> take(Target target) {
        while (true) {
            Idle candidate;
            List<DeliveryTransport> expired;
            synchronized (this) {
                expired = expire(System.nanoTime());
                Deque<Idle> queue = idle.get(target.poolKey());
                candidate = queue == null ? null : queue.pollFirst();
            }
            expired.forEach(Connector::closeQuietly);
            if (candidate == null) {
                return Optional.empty();
            }
            if (candidate.transport().isConnected()) { // NOOP: the server may have hung up meanwhile
                inUse.add(candidate.transport());
                return Optional.of(candidate.transport());
            }
            Connector.closeQuietly(candidate.transport());
        }
    }

    /** Marks a fresh connection as in use. */
    void using(DeliveryTransport transport) {
        inUse.add(transport);
    }

    /** Keeps a connection after a clean transaction, or closes it if there are enough idle ones or we stopped. */
    void giveBack(Target target, DeliveryTransport transport) {
        inUse.remove(transport);
        List<DeliveryTransport> toClose = new ArrayList<>();
        synchronized (this) {
            toClose.addAll(expire(System.nanoTime()));
            Deque<Idle> queue = idle.computeIfAbsent(target.poolKey(), k -> new ArrayDeque<>());
            if (closed || queue.size() >= MAX_IDLE_PER_TARGET) {
                toClose.add(transport);
            } else {
                queue.addFirst(new Idle(transport, System.nanoTime()));
            }
        }
        toClose.forEach(Connector::closeQuietly);
    }

    /** Closes a connection that must not be reused. */
    void discard(DeliveryTransport transport) {
        inUse.remove(transport);
        Connector.closeQuietly(transport);
    }

    /** Closes idle connections older than the keep time (called by the delivery's timer). */
    void sweep() {
        List<DeliveryTransport> expired;
        synchronized (this) {
            expired = expire(System.nanoTime());
        }
        expired.forEach(Connector::closeQuietly);
    }

    private List<DeliveryTransport> expire(long now) {
        List<DeliveryTransport> out = new ArrayList<>();
        for (Iterator<Deque<Idle>> queues = idle.values().iterator(); queues.hasNext(); ) {
            Deque<Idle> queue = queues.next();
            queue.removeIf(entry -> {
                boolean old = now - entry.since() > keepIdle.toNanos();
                if (old) {
                    out.add(entry.transport());
                }
                return old;
            });
            if (queue.isEmpty()) {
                queues.remove();
            }
        }
        return out;
    }

    /** Closes idle connections and cuts the ones in use (their delivery fails and is retried later). */
    @Override
    public void close() {
        List<DeliveryTransport> all = new ArrayList<>();
        synchronized (this) {
            closed = true;
            idle.values().forEach(queue -> queue.forEach(entry -> all.add(entry.transport())));
            idle.clear();
        }
        all.forEach(Connector::closeQuietly);
    }

    /** Cuts connections still in use, e.g. to a peer that stopped answering, at shutdown. */
    void abortInUse() {
        for (DeliveryTransport transport : List.copyOf(inUse)) {
            transport.abort();
        }
    }
}
