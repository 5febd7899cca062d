package org.postline.app.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.postline.api.StoreException;
import org.postline.api.config.ServerConfig;
import org.postline.api.directory.Domains;
import org.postline.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the store the way both the server and the offline command line need it: var/ created on first use,
 * and the domains listed in postline.xml present.
 */
public final class StoreOpener {

    private static final Logger LOG = LoggerFactory.getLogger(StoreOpener.class);

    private StoreOpener() {
    }

    /** Creates var/, var/logs/ and the blob directory if missing. */
    public static void createVarDirectories(ServerConfig config) throws IOException {
        Files.createDirectories(config.varDirectory());
        Files.createDirectories(config.varDirectory().resolve("logs"));
        Files.createDirectories(config.storage().blobDirectory());
    }

    /** @throws StoreException if the database cannot be opened, e.g. another process holds it */
    public static Store open(ServerConfig config) throws IOException {
        createVarDirectories(config);
        Store store = Store.open(config.storage(), config.defaultDomain());
        try {
            ensureDomains(store.domains(), config);
            return store;
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    private static void ensureDomains(Domains domains, ServerConfig config) {
        for (String domain : config.domains()) {
            if (!domains.isLocal(domain)) {
                domains.add(domain);
                LOG.info("Added local domain {} from {}", domain, config.source());
            }
        }
    }

    /** Where extension jars are dropped. */
    public static Path extensionsDirectory(Path home) {
        return home.resolve("extensions");
    }
}
