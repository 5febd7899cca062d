package org.postline.store.directory;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.postline.api.StoreException;

/**
 * Logins whose password passed the slow hash a short while ago, so that a client logging in again soon (a
 * POP3 poller, a mail client opening several IMAP connections) does not pay for PBKDF2 each time.
 * <p>No password is kept: an entry holds an HMAC-SHA256 of the user, the stored hash and the password under a
 * key drawn at random when this object is made and never written anywhere. An entry only counts while the
 * stored hash is still the one it was checked against, so a changed or removed password stops matching at
 * once, whoever changed it. Only successes are kept: a wrong password always costs the full hash. Entries
 * last {@link #DEFAULT_LIFETIME} and there are at most {@link #DEFAULT_CAPACITY}.
 */
final class VerifiedLogins {

    static final Duration DEFAULT_LIFETIME = Duration.ofSeconds(60);
    static final int DEFAULT_CAPACITY = 10_000;
    private static final String MAC = "HmacSHA256";

    private record Entry(String storedHash, byte[] mac, long verifiedAtNanos) {
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final SecretKeySpec key;
    private final long lifetimeNanos;
    private final int capacity;
    private final LongSupplier nanoClock;

    VerifiedLogins() {
        this(DEFAULT_LIFETIME, DEFAULT_CAPACITY, System::nanoTime);
    }

    VerifiedLogins(Duration lifetime, int capacity, LongSupplier nanoClock) {
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, MAC);
        Arrays.fill(secret, (byte) 0);
        this.lifetimeNanos = lifetime.toNanos();
        this.capacity = capacity;
        this.nanoClock = nanoClock;
    }

    /** True if {@code password} was verified for {@code user} against this very stored hash a moment ago. */
    boolean matches(String user, String storedHash, char[] password) {
        Entry entry = entries.get(user);
        if (entry == null) {
            return false;
        }
        if (nanoClock.getAsLong() - entry.verifiedAtNanos() > lifetimeNanos || !entry.storedHash().equals(storedHash)) {
            entries.remove(user, entry);
            return false;
        }
        return MessageDigest.isEqual(entry.mac(), mac(user, storedHash, password));
    }

    /** Called after the slow hash accepted {@code password} for {@code user} against {@code storedHash}. */
    void remember(String user, String storedHash, char[] password) {
        long now = nanoClock.getAsLong();
        if (entries.size() >= capacity && !entries.containsKey(user)) {
            entries.values().removeIf(entry -> now - entry.verifiedAtNanos() > lifetimeNanos);
            if (entries.size() >= capacity) {
                return;
            }
        }
        entries.put(user, new Entry(storedHash, mac(user, storedHash, password), now));
    }

    /** Drops what is known about {@code user} (password changed, user removed). */
    void forget(String user) {
        entries.remove(user);
    }

    private byte[] mac(String user, String storedHash, char[] password) {
        ByteBuffer encoded = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] secret = new byte[encoded.remaining()];
        encoded.get(secret);
        Arrays.fill(encoded.array(), (byte) 0);
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(key);
            mac.update(user.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(storedHash.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            mac.update(secret);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new StoreException("HMAC-SHA256 is not available: " + e.getMessage(), e);
        } finally {
            Arrays.fill(secret, (byte) 0);
        }
    }
}
