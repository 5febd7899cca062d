package org.postline.protocols.pop3;

import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One POP3 session per maildrop at a time (RFC 1939 section 8: the server may refuse a second session;
 * RFC 2449's {@code [IN-USE]} says why). Message numbers and pending deletions belong to one session, so
 * two sessions on one maildrop would step on each other.
 */
public final class MaildropLocks {

    private final ConcurrentHashMap<String, Lease> held = new ConcurrentHashMap<>();

    /** A held lock; {@link #release()} is idempotent. */
    public final class Lease {
        private final String user;
        private final AtomicBoolean released = new AtomicBoolean();

        private Lease(String user) {
            this.user = user;
        }

        public void release() {
            if (released.compareAndSet(false, true)) {
                held.remove(user, this);
            }
        }
    }

    /** @return the lease, or empty if another session holds this user's maildrop */
    public Optional<Lease> tryLock(String user) {
        String key = user.toLowerCase(Locale.ROOT);
        Lease lease = new Lease(key);
        return held.putIfAbsent(key, lease) == null ? Optional.of(lease) : Optional.empty();
    }

    public boolean isLocked(String user) {
        return held.containsKey(user.toLowerCase(Locale.ROOT));
    }
}
