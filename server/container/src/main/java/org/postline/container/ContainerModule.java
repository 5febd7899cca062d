package org.postline.container;

import com.google.inject.AbstractModule;
import com.google.inject.Injector;
import com.google.inject.Key;
import org.apache.camel.CamelContext;
import org.apache.mailet.MailetContext;
import org.postline.api.config.DnsConfig;
import org.postline.api.config.SpoolConfig;
import org.postline.api.directory.Domains;
import org.postline.api.directory.RecipientRewrites;
import org.postline.api.directory.Users;
import org.postline.api.queue.MailRepositories;
import org.postline.api.queue.Spool;
import org.postline.container.dns.DnsClient;
import org.postline.container.context.PostlineMailetContext;
import org.postline.container.remote.OutgoingDeliveries;

/**
 * Bindings of the child injector that creates mailets: the container's own Camel context and mailet
 * context, and the environment's services unless the application's injector binds them already.
 */
final class ContainerModule extends AbstractModule {

    private final Injector parent;
    private final ContainerEnvironment env;
    private final CamelContext camel;
    private final PostlineMailetContext mailetContext;
    private final OutgoingDeliveries deliveries;

    ContainerModule(Injector parent, ContainerEnvironment env, CamelContext camel, PostlineMailetContext mailetContext,
                    OutgoingDeliveries deliveries) {
        this.parent = parent;
        this.env = env;
        this.camel = camel;
        this.mailetContext = mailetContext;
        this.deliveries = deliveries;
    }

    @Override
    protected void configure() {
        bindIfAbsent(CamelContext.class, camel);
        bindIfAbsent(MailetContext.class, mailetContext);
        bindIfAbsent(DnsClient.class, mailetContext.dns());
        bind(OutgoingDeliveries.class).toInstance(deliveries);
        bindIfAbsent(Domains.class, env.domains());
        bindIfAbsent(Users.class, env.users());
        bindIfAbsent(RecipientRewrites.class, env.rewrites());
        bindIfAbsent(Spool.class, env.spool());
        bindIfAbsent(MailRepositories.class, env.repositories());
        bindIfAbsent(SpoolConfig.class, env.spoolConfig());
        bindIfAbsent(DnsConfig.class, env.dns());
    }

    private <T> void bindIfAbsent(Class<T> type, T instance) {
        if (instance != null && parent.getExistingBinding(Key.get(type)) == null) {
            bind(type).toInstance(instance);
        }
    }
}
