package org.postline.store.directory;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Uses a low iteration count except where the default itself is under test. */
class PasswordHasherTest {

    private final PasswordHasher cheap = new PasswordHasher(1_000);

    @Test
    void defaultsToAtLeast210000Iterations() {
        assertThat(PasswordHasher.DEFAULT_ITERATIONS).isGreaterThanOrEqualTo(210_000);
        String hash = new PasswordHasher().hash("pw".toCharArray());
        assertThat(hash).startsWith("pbkdf2-sha256$" + PasswordHasher.DEFAULT_ITERATIONS + "$");
    }

    @Test
    void verifiesWithTheIterationCountStoredInTheHash() {
        String hash = cheap.hash("correct horse".toCharArray());
        assertThat(hash).startsWith("pbkdf2-sha256$1000$");
        assertThat(cheap.verify("correct horse".toCharArray(), hash)).isTrue();
        assertThat(new PasswordHasher(2_000).verify("correct horse".toCharArray(), hash)).isTrue();
        assertThat(cheap.verify("correct horse!".toCharArray(), hash)).isFalse();
        assertThat(cheap.verify(new char[0], hash)).isFalse();
    }

    @Test
    void flagsOutdatedOrForeignHashesForRehash() {
        String hash = cheap.hash("pw".toCharArray());
        assertThat(cheap.needsRehash(hash)).isFalse();
        assertThat(new PasswordHasher(2_000).needsRehash(hash)).isTrue();
        assertThat(cheap.needsRehash("{SHA}whatever")).isTrue();
    }

    @Test
    void rejectsMalformedStoredValues() {
        assertThat(cheap.verify("pw".toCharArray(), "")).isFalse();
        assertThat(cheap.verify("pw".toCharArray(), "pbkdf2-sha256$x$AAAA$AAAA")).isFalse();
        assertThat(cheap.verify("pw".toCharArray(), "pbkdf2-sha256$1000$!!$AAAA")).isFalse();
        assertThat(cheap.verify("pw".toCharArray(), "md5$1000$AAAA$AAAA")).isFalse();
    }
}
