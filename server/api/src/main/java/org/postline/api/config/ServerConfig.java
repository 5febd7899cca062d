package org.postline.api.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The whole of {@code conf/postline.xml}, validated and immutable. Built once at start-up by the app module;
 * every other module receives the part it needs.
 *
 * @param source       the file this was read from, for error messages
 * @param hostName     the name the server gives itself in greetings and Received headers
 * @param domains      local domains ensured at start-up (the CLI can add more at run time)
 * @param defaultDomain the domain used for bare user names
 * @param postmaster   the postmaster's address: postmaster@ every local domain is delivered here, bounces come from it
 * @param varDirectory where Derby, blobs, the spool, logs, TLS material and the admin socket live
 * @param broker       the message broker holding the spool and outgoing queues, if not the database
 */
public record ServerConfig(
        Path source,
        String hostName,
        List<String> domains,
        String defaultDomain,
        String postmaster,
        Path varDirectory,
        List<ListenerConfig> listeners,
        StorageConfig storage,
        DnsConfig dns,
        RelayConfig relay,
        SpoolConfig spool,
        AdminConfig admin,
        Path mailetContainerFile,
        Optional<BrokerConfig> broker) {

    public ServerConfig {
        domains = List.copyOf(domains);
        listeners = List.copyOf(listeners);
        Objects.requireNonNull(broker, "broker");
    }

    /** Without a broker: the queues live in the database. */
    public ServerConfig(Path source, String hostName, List<String> domains, String defaultDomain, String postmaster,
                        Path varDirectory, List<ListenerConfig> listeners, StorageConfig storage, DnsConfig dns,
                        RelayConfig relay, SpoolConfig spool, AdminConfig admin, Path mailetContainerFile) {
        this(source, hostName, domains, defaultDomain, postmaster, varDirectory, listeners, storage, dns, relay, spool,
                admin, mailetContainerFile, Optional.empty());
    }
}
