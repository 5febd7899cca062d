package org.postline.store.queue;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Unique ids for spooled and stored mail, usable as SMTP queue ids and file names: 26 characters of Crockford
 * base32 over 128 bits = 48 bits of epoch milliseconds, a 16-bit counter (strictly increasing within the
 * process, so ids sort by creation) and 64 random bits: several nodes share one database and make ids in the
 * same millisecond, and a clock may step back across a restart.
 */
public final class MailIds {

    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    public static final int LENGTH = 26;

    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong last = new AtomicLong();

    public MailIds(Clock clock) {
        this.clock = clock;
    }

    public String next() {
        long now = clock.millis() << 16;
        long timeAndCounter = last.updateAndGet(previous -> Math.max(previous + 1, now));
        char[] text = new char[LENGTH];
        // 128 bits: the 64-bit time-and-counter, then 64 random bits; 5 bits per character, most significant first.
        long low = random.nextLong();
        long high = timeAndCounter;
        for (int i = LENGTH - 1; i >= 0; i--) {
            text[i] = ALPHABET[(int) (low & 31)];
            low = (low >>> 5) | ((high & 31) << 59);
            high >>>= 5;
        }
        return new String(text);
    }
}
