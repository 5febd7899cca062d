package org.postline.store;

import com.google.inject.AbstractModule;
import javax.sql.DataSource;
import org.postline.api.directory.Domains;
import org.postline.api.directory.RecipientRewrites;
import org.postline.api.directory.Users;
import org.postline.api.queue.MailQueues;
import org.postline.api.queue.MailRepositories;
import org.postline.api.queue.Spool;

/** Binds the storage interfaces (and the {@link Store} and its {@link DataSource}) to one open store. */
public final class StoreModule extends AbstractModule {

    private final Store store;

    public StoreModule(Store store) {
        this.store = store;
    }

    @Override
    protected void configure() {
        bind(Store.class).toInstance(store);
        bind(Domains.class).toInstance(store.domains());
        bind(Users.class).toInstance(store.users());
        bind(RecipientRewrites.class).toInstance(store.rewrites());
        bind(Spool.class).toInstance(store.spool());
        bind(MailRepositories.class).toInstance(store.repositories());
        bind(MailQueues.class).toInstance(store.queues());
        bind(DataSource.class).toInstance(store.dataSource());
    }
}
