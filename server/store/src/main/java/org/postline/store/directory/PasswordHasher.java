package org.postline.store.directory;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import org.postline.api.StoreException;

/**
 * PBKDF2-HMAC-SHA256 password hashes stored as {@code pbkdf2-sha256$iterations$salt$hash} (salt and hash in
 * unpadded Base64), so stored hashes keep working when the iteration count grows. Never logs a password.
 */
public final class PasswordHasher {

    public static final String ALGORITHM = "pbkdf2-sha256";
    /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
    public static final int DEFAULT_ITERATIONS = 210_000;
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final String JCA_NAME = "PBKDF2WithHmacSHA256";
    /** What an unknown user's password is checked against, so that the answer costs the same time. */
    private static final byte[] DUMMY_SALT = "postline-dummy!!".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DUMMY_HASH = new byte[HASH_BITS / 8];

    private final int iterations;
    private final SecureRandom random = new SecureRandom();

    public PasswordHasher() {
        this(DEFAULT_ITERATIONS);
    }

    /** Fewer iterations only make sense to build an outdated hash in a test. */
    PasswordHasher(int iterations) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive");
        }
        this.iterations = iterations;
    }

    public String hash(char[] password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        byte[] hash = derive(password, salt, iterations);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return ALGORITHM + "$" + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
    }

    /** Constant-time check; false for a stored value this class cannot read. */
    public boolean verify(char[] password, String stored) {
        String[] parts = stored.split("\\$", -1);
        if (parts.length != 4 || !ALGORITHM.equals(parts[0])) {
            verifyDummy(password);
            return false;
        }
        try {
            int storedIterations = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            if (storedIterations < 1 || expected.length == 0) {
                verifyDummy(password);
                return false;
            }
            return MessageDigest.isEqual(derive(password, salt, storedIterations, expected.length * 8), expected);
        } catch (IllegalArgumentException e) {
            verifyDummy(password);
            return false;
        }
    }

    /** Spends one hash's worth of time; the result is never a match. */
    public void verifyDummy(char[] password) {
        MessageDigest.isEqual(derive(password, DUMMY_SALT, iterations), DUMMY_HASH);
    }

    /** True when the stored hash uses another scheme or fewer iterations than this hasher. */
    public boolean needsRehash(String stored) {
        String[] parts = stored.split("\\$", -1);
        try {
            return parts.length != 4 || !ALGORITHM.equals(parts[0]) || Integer.parseInt(parts[1]) < iterations;
        } catch (NumberFormatException e) {
            return true;
        }
    }

    private static byte[] derive(char[] password, byte[] salt, int rounds) {
        return derive(password, salt, rounds, HASH_BITS);
    }

    private static byte[] derive(char[] password, byte[] salt, int rounds, int bits) {
        PBEKeySpec spec = new PBEKeySpec(password == null ? new char[0] : password, salt, rounds, bits);
        try {
            return SecretKeyFactory.getInstance(JCA_NAME).generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new StoreException("cannot hash passwords: " + JCA_NAME + " is unavailable", e);
        } finally {
            spec.clearPassword();
        }
    }
}
