package org.postline.app.server;

import com.google.inject.AbstractModule;
import org.postline.api.config.AdminConfig;
import org.postline.api.config.DnsConfig;
import org.postline.api.config.RelayConfig;
import org.postline.api.config.ServerConfig;
import org.postline.api.config.SpoolConfig;
import org.postline.api.config.StorageConfig;

/** Binds the validated configuration and each of its parts, so mailets and services can inject what they need. */
public final class ServerModule extends AbstractModule {

    private final ServerConfig config;

    public ServerModule(ServerConfig config) {
        this.config = config;
    }

    @Override
    protected void configure() {
        bind(ServerConfig.class).toInstance(config);
        bind(StorageConfig.class).toInstance(config.storage());
        bind(DnsConfig.class).toInstance(config.dns());
        bind(RelayConfig.class).toInstance(config.relay());
        bind(SpoolConfig.class).toInstance(config.spool());
        bind(AdminConfig.class).toInstance(config.admin());
    }
}
