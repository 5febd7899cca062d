package org.postline.store.directory;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.postline.api.config.StorageConfig;
import org.postline.store.PostgresStores;
import org.postline.store.Store;
import org.postline.testing.PostgresCluster;
import org.postline.testing.PostgresExtension;

/** {@link UsersTest} on PostgreSQL. */
@ExtendWith(PostgresExtension.class)
class PostgresUsersTest extends UsersTest {

    private final PostgresStores postgres;

    PostgresUsersTest(PostgresCluster cluster) {
        this.postgres = new PostgresStores(cluster);
    }

    @Override
    StorageConfig config(Path directory) {
        return postgres.config(directory);
    }

    @Test
    void aUserAddedOrRemovedOnAnotherNodeIsKnownAtOnce() {
        // Nodes sharing the database keep no directory answers in memory: another node may change them.
        try (Store otherNode = Store.open(config(dir), "example.org")) {
            assertThat(otherNode.users().exists("frank@example.org")).isFalse();
            users.add("frank@example.org", "pw".toCharArray());
            assertThat(otherNode.users().exists("frank@example.org")).isTrue();
            assertThat(users.remove("frank@example.org")).isTrue();
            assertThat(otherNode.users().exists("frank@example.org")).isFalse();
            assertThat(otherNode.domains().isLocal("example.org")).isTrue();
            assertThat(store.domains().remove("example.org")).isTrue();
            assertThat(otherNode.domains().isLocal("example.org")).isFalse();
        }
    }
}
