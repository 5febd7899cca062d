package org.postline.store.queue;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntFunction;
import org.postline.api.queue.SpooledMail;

/**
 * The claims one queue has handed out, in memory. The database query of a claim runs without this object's
 * lock, so ending a lease never waits for a query. A lease that ends while a query runs is remembered until
 * that query's rows are taken: the query may have read the row before it was deleted, and must not hand it
 * out again. Claims run one at a time (a queue has one dispatcher), which keeps that bookkeeping to one query.
 */
final class Leases {

    private final Object claiming = new Object();
    private final Set<String> held = new HashSet<>();
    private final Set<String> endedDuringQuery = new HashSet<>();
    private boolean querying;

    /**
     * Takes up to {@code max} of the rows {@code ready} returns that no one holds.
     *
     * @param ready reads ready rows oldest first, at most as many as asked (held rows among them)
     */
    List<SpooledMail> claim(int max, IntFunction<List<SpooledMail>> ready) {
        synchronized (claiming) {
            int alreadyHeld;
            synchronized (this) {
                querying = true;
                alreadyHeld = held.size();
            }
            List<SpooledMail> rows;
            try {
                rows = ready.apply(max + alreadyHeld);
            } catch (RuntimeException e) {
                take(List.of(), 0);
                throw e;
            }
            return take(rows, max);
        }
    }

    private synchronized List<SpooledMail> take(List<SpooledMail> rows, int max) {
        querying = false;
        List<SpooledMail> taken = new ArrayList<>();
        for (SpooledMail mail : rows) {
            if (taken.size() == max) {
                break;
            }
            if (!held.contains(mail.id()) && !endedDuringQuery.contains(mail.id())) {
                held.add(mail.id());
                taken.add(mail);
            }
        }
        endedDuringQuery.clear();
        return List.copyOf(taken);
    }

    /** The ids held now; a claim's query skips them (they are not handed out again, so not worth reading). */
    synchronized Set<String> held() {
        return Set.copyOf(held);
    }

    /** Call after the row's completion or release is committed. */
    synchronized void end(String id) {
        held.remove(id);
        if (querying) {
            endedDuringQuery.add(id);
        }
    }
}
