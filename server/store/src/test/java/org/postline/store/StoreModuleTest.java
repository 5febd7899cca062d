package org.postline.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.inject.Guice;
import com.google.inject.Injector;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.StorageConfig;
import org.postline.api.directory.Domains;
import org.postline.api.directory.RecipientRewrites;
import org.postline.api.directory.Users;
import org.postline.api.queue.MailQueues;
import org.postline.api.queue.MailRepositories;
import org.postline.api.queue.Spool;

class StoreModuleTest {

    @TempDir
    Path dir;

    /** Derby here; the PostgreSQL twin of this test overrides it. */
    StorageConfig config(Path directory) {
        return StoreFixture.config(directory);
    }

    @Test
    void bindsTheStoreInterfacesToTheOpenStore() {
        try (Store store = Store.open(config(dir), "example.org")) {
            Injector injector = Guice.createInjector(new StoreModule(store));
            assertThat(injector.getInstance(Store.class)).isSameAs(store);
            assertThat(injector.getInstance(Domains.class)).isSameAs(store.domains());
            assertThat(injector.getInstance(Users.class)).isSameAs(store.users());
            assertThat(injector.getInstance(RecipientRewrites.class)).isSameAs(store.rewrites());
            assertThat(injector.getInstance(Spool.class)).isSameAs(store.spool());
            assertThat(injector.getInstance(MailRepositories.class)).isSameAs(store.repositories());
            assertThat(injector.getInstance(MailQueues.class)).isSameAs(store.queues());
            assertThat(injector.getInstance(MailQueues.class).queue(MailQueues.SPOOL)).isSameAs(store.spool());
            assertThat(injector.getInstance(DataSource.class)).isSameAs(store.dataSource());
        }
    }
}
