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
import org.postline.api.directory.Domains;
import org.postline.api.directory.Rewrite;
import org.postline.store.Store;
import org.postline.store.StoreFixture;

class DomainsTest {

    @TempDir
    Path dir;

    /** Derby here; the PostgreSQL twin of this test overrides it. */
    StorageConfig config(Path directory) {
        return StoreFixture.config(directory);
    }

    Store store;
    Domains domains;

    @BeforeEach
    void open() {
        store = Store.open(config(dir), "example.org");
        domains = store.domains();
    }

    @AfterEach
    void close() {
        store.close();
    }

    @Test
    void addsListsAndRemovesDomainsInLowerCase() {
        domains.add("Example.ORG");
        domains.add("b.example");
        domains.add("localhost");

        assertThat(domains.list()).containsExactly("b.example", "example.org", "localhost");
        assertThat(domains.isLocal("EXAMPLE.org")).isTrue();
        assertThat(domains.isLocal("example.net")).isFalse();
        assertThat(domains.isLocal("not a domain")).isFalse();

        assertThat(domains.remove("EXAMPLE.ORG")).isTrue();
        assertThat(domains.remove("example.org")).isFalse();
        assertThat(domains.isLocal("example.org")).isFalse();
        assertThat(domains.list()).containsExactly("b.example", "localhost");
    }

    @Test
    void aLookupAnsweredBeforeAnAddOrRemoveSeesTheChangeAtOnce() {
        assertThat(domains.isLocal("new.example")).isFalse();
        assertThat(domains.isLocal("new.example")).isFalse();
        domains.add("New.Example");
        assertThat(domains.isLocal("new.example")).isTrue();
        assertThat(domains.isLocal("NEW.example")).isTrue();
        assertThat(domains.remove("new.example")).isTrue();
        assertThat(domains.isLocal("new.example")).isFalse();
    }

    @Test
    void refusesDuplicatesAndMalformedNames() {
        domains.add("example.org");
        assertThatThrownBy(() -> domains.add("EXAMPLE.org"))
                .isInstanceOf(DirectoryException.class).hasMessage("domain example.org already exists");
        for (String bad : new String[] {"", "exa mple.org", "-example.org", "example..org", "example.org.",
                "ex_ample.org", "a".repeat(64) + ".org", "[127.0.0.1]", "user@example.org"}) {
            assertThatThrownBy(() -> domains.add(bad)).as(bad)
                    .isInstanceOf(DirectoryException.class).hasMessageContaining("is not a valid domain name");
        }
        assertThat(domains.list()).containsExactly("example.org");
    }

    @Test
    void refusesToRemoveADomainStillInUse() {
        domains.add("example.org");
        domains.add("alias.example");
        store.rewrites().add(new Rewrite(Rewrite.Kind.DOMAIN, "alias.example", "example.org"));

        assertThatThrownBy(() -> domains.remove("example.org"))
                .isInstanceOf(DirectoryException.class)
                .hasMessage("domain example.org is still used by 1 rewrite rule; remove them first");
        assertThatThrownBy(() -> domains.remove("alias.example"))
                .isInstanceOf(DirectoryException.class).hasMessageContaining("1 rewrite rule");

        store.rewrites().remove(new Rewrite(Rewrite.Kind.DOMAIN, "alias.example", "example.org"));
        store.rewrites().add(new Rewrite(Rewrite.Kind.ADDRESS, "info@example.org", "someone@example.net"));
        store.rewrites().add(new Rewrite(Rewrite.Kind.CATCH_ALL, "example.org", "someone@example.net"));
        assertThatThrownBy(() -> domains.remove("example.org"))
                .isInstanceOf(DirectoryException.class).hasMessageContaining("2 rewrite rules");

        assertThat(domains.remove("alias.example")).isTrue();
        assertThat(domains.isLocal("example.org")).isTrue();
    }
}
