package org.postline.store.directory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.StorageConfig;
import org.postline.api.directory.DirectoryException;
import org.postline.api.directory.RecipientRewrites;
import org.postline.api.directory.Rewrite.Kind;
import org.postline.api.directory.Rewrite;
import org.postline.store.Store;
import org.postline.store.StoreFixture;

class RecipientRewritesTest {

    @TempDir
    Path dir;

    /** Derby here; the PostgreSQL twin of this test overrides it. */
    StorageConfig config(Path directory) {
        return StoreFixture.config(directory);
    }

    Store store;
    RecipientRewrites rewrites;

    @BeforeEach
    void open() {
        store = Store.open(config(dir), "example.org");
        rewrites = store.rewrites();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void addsListsFindsAndRemovesRules() {
        Rewrite alias = new Rewrite(Kind.ADDRESS, "Postmaster@Example.org", "alice@example.org");
        Rewrite fanOut = new Rewrite(Kind.ADDRESS, "postmaster@example.org", "bob@example.org");
        Rewrite forward = new Rewrite(Kind.ADDRESS, "sales@example.org", "alice@example.org");
        Rewrite domainAlias = new Rewrite(Kind.DOMAIN, "example.net", "example.org");
        Rewrite catchAll = new Rewrite(Kind.CATCH_ALL, "example.org", "alice@example.org");
        for (Rewrite rule : new Rewrite[] {catchAll, forward, domainAlias, fanOut, alias}) {
            rewrites.add(rule);
        }

        assertThat(rewrites.list()).containsExactly(alias, fanOut, forward, domainAlias, catchAll);
        assertThat(rewrites.forSource("POSTMASTER@example.org")).containsExactly(alias, fanOut);
        assertThat(rewrites.forSource("example.org")).containsExactly(catchAll);
        assertThat(rewrites.forSource("nobody@example.org")).isEmpty();
        assertThat(rewrites.targeting("Alice@example.org")).as("ADDRESS rules only").containsExactly(alias, forward);

        assertThat(rewrites.remove(new Rewrite(Kind.ADDRESS, "postmaster@example.org", "BOB@example.org"))).isTrue();
        assertThat(rewrites.remove(fanOut)).isFalse();
        assertThat(rewrites.forSource("postmaster@example.org")).containsExactly(alias);
    }

    @Test
    void aLookupAnsweredBeforeAnAddOrRemoveSeesTheChangeAtOnce() {
        Rewrite forward = new Rewrite(Kind.ADDRESS, "info@example.org", "alice@example.org");
        Rewrite catchAll = new Rewrite(Kind.CATCH_ALL, "example.org", "alice@example.org");
        assertThat(rewrites.forSource("info@example.org")).isEmpty();
        assertThat(rewrites.forSource("example.org")).isEmpty();
        rewrites.add(forward);
        rewrites.add(catchAll);
        assertThat(rewrites.forSource("INFO@example.org")).containsExactly(forward);
        assertThat(rewrites.forSource("example.org")).containsExactly(catchAll);
        assertThat(rewrites.remove(forward)).isTrue();
        assertThat(rewrites.forSource("info@example.org")).isEmpty();
        assertThat(rewrites.forSource("example.org")).containsExactly(catchAll);
    }

    @Test
    void refusesDuplicatesAndMalformedRules() {
        rewrites.add(new Rewrite(Kind.ADDRESS, "info@example.org", "alice@example.org"));
        assertThatThrownBy(() -> rewrites.add(new Rewrite(Kind.ADDRESS, "INFO@example.org", "alice@example.org")))
                .isInstanceOf(DirectoryException.class)
                .hasMessage("rewrite rule ADDRESS info@example.org -> alice@example.org already exists");

        assertThatThrownBy(() -> rewrites.add(new Rewrite(Kind.ADDRESS, "example.org", "alice@example.org")))
                .isInstanceOf(DirectoryException.class)
                .hasMessage("invalid source address 'example.org' in rewrite rule");
        assertThatThrownBy(() -> rewrites.add(new Rewrite(Kind.ADDRESS, "info@example.org", "alice")))
                .isInstanceOf(DirectoryException.class).hasMessageContaining("invalid target address");
        assertThatThrownBy(() -> rewrites.add(new Rewrite(Kind.DOMAIN, "a@example.net", "example.org")))
                .isInstanceOf(DirectoryException.class).hasMessageContaining("invalid source domain");
        assertThatThrownBy(() -> rewrites.add(new Rewrite(Kind.CATCH_ALL, "example.org", "example.net")))
                .isInstanceOf(DirectoryException.class).hasMessageContaining("invalid target address");
        assertThatThrownBy(() -> rewrites.add(new Rewrite(Kind.ADDRESS, "a@example.org", "A@example.org")))
                .isInstanceOf(DirectoryException.class).hasMessageContaining("at itself");

        assertThat(rewrites.list()).hasSize(1);
    }
}
