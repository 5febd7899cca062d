package org.postline.store.directory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Answers of a directory lookup (does this user exist, which rules rewrite this source), kept so that each
 * SMTP RCPT does not cost database queries. Every write through the owning directory calls
 * {@link #invalidate()} after it commits; all writes go through the one directory instance of the process
 * (the admin CLI of a running server uses its admin channel; embedded Derby admits one process), so nothing
 * stale is served. Nodes sharing a PostgreSQL database do not keep answers (see {@link #forDatabase}). An answer read while a write was under way is not kept: a lookup remembers the
 * generation it started in, and stores its answer only if no invalidation happened meanwhile.
 */
final class LookupCache<K, V> {

    /** Answers a directory keeps (addresses, domains or rule sources): a few MiB at most. */
    static final int MAX_ENTRIES = 50_000;

    private final int maxEntries;
    private final ConcurrentMap<K, V> answers = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();

    /**
     * @param maxEntries answers kept before the cache is emptied and starts over (a bound, not an LRU); 0 keeps
     *                   nothing, for a database other processes write too (nodes sharing PostgreSQL)
     */
    LookupCache(int maxEntries) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries must not be negative, was " + maxEntries);
        }
        this.maxEntries = maxEntries;
    }

    /** A cache for a database only this process writes, or one that keeps nothing. */
    static <K, V> LookupCache<K, V> forDatabase(boolean onlyThisProcessWrites) {
        return new LookupCache<>(onlyThisProcessWrites ? MAX_ENTRIES : 0);
    }

    /** The kept answer for {@code key}, or the one {@code lookup} reads (kept unless a write intervened). */
    V get(K key, Supplier<V> lookup) {
        if (maxEntries == 0) {
            return lookup.get();
        }
        V known = answers.get(key);
        if (known != null) {
            return known;
        }
        long started = generation.get();
        V answer = lookup.get();
        if (answer != null && generation.get() == started) {
            if (answers.size() >= maxEntries) {
                answers.clear();
            }
            answers.put(key, answer);
            // An invalidation between the check and the put must not leave this answer behind.
            if (generation.get() != started) {
                answers.remove(key, answer);
            }
        }
        return answer;
    }

    /** Forgets every answer; called after each committed (or possibly committed) write. */
    void invalidate() {
        generation.incrementAndGet();
        answers.clear();
    }
}
