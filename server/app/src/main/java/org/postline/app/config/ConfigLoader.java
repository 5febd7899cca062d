package org.postline.app.config;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.postline.api.config.AdminConfig;
import org.postline.api.config.BodyStorage;
import org.postline.api.config.BrokerConfig;
import org.postline.api.config.ConfigException;
import org.postline.api.config.DnsConfig;
import org.postline.api.config.ListenerConfig;
import org.postline.api.config.RelayConfig;
import org.postline.api.config.ServerConfig;
import org.postline.api.config.SpoolConfig;
import org.postline.api.config.StorageConfig;
import org.postline.protocols.smtp.DnsblSettings;

/**
 * Reads {@code conf/postline.xml} into a {@link ServerConfig}: schema validation first (structure and types),
 * then the checks a schema cannot express. Every problem is a ConfigException naming file, line and setting.
 * Relative paths hang from the Postline home; var defaults to {@code <home>/var}.
 */
public final class ConfigLoader {

    static final String DEFAULT_DOMAIN = "localhost";
    static final int DEFAULT_POOL_SIZE = 10;
    static final Duration DEFAULT_DNS_TIMEOUT = Duration.ofSeconds(5);

    private final Path home;
    private final Map<String, String> environment;
    private final String machineName;
    private final ValidatingXmlReader reader = ValidatingXmlReader.forPostlineXml();

    /**
     * @param home        the Postline home; relative paths in the file resolve against it
     * @param environment values for ${env:NAME} placeholders
     * @param machineName the host name to use when the file gives none
     */
    public ConfigLoader(Path home, Map<String, String> environment, String machineName) {
        this.home = home.toAbsolutePath().normalize();
        this.environment = Map.copyOf(environment);
        this.machineName = machineName;
    }

    /** A loader for this process: its environment and the machine's name. */
    public static ConfigLoader forHome(Path home) {
        return new ConfigLoader(home, System.getenv(), localMachineName());
    }

    public Path home() {
        return home;
    }

    public LoadedConfig load(Path configFile) throws ConfigException {
        Path file = configFile.isAbsolute() ? configFile.normalize() : home.resolve(configFile).normalize();
        XmlElement root = reader.read(file);
        ConfigContext context = new ConfigContext(file, home, environment);

        Path var = root.child("var").isPresent()
                ? context.path(root.child("var").get(), "dir").orElseThrow() : home.resolve("var");
        context.varDirectory(var);

        String hostName = hostName(context, root);
        DomainList domains = domains(context, root.child("domains"));

        ListenerReader listenerReader = new ListenerReader(context);
        List<ListenerConfig> listeners;
        if (root.child("listeners").isPresent()) {
            listenerReader.read(root.child("listeners").get());
            listeners = listenerReader.listeners();
        } else {
            listeners = ListenerReader.defaults();
        }

        StorageConfig storage = storage(context, root.child("storage"), var);
        ServerConfig config = new ServerConfig(file, hostName, domains.names, domains.defaultDomain, domains.postmaster, var, listeners,
                storage, dns(context, root.child("dns")),
                relay(context, root.child("relay")), spool(context, root.child("spool")),
                new AdminConfig(root.child("admin").isPresent()
                        ? context.path(root.child("admin").get(), "socket").orElseThrow() : var.resolve("admin.sock")),
                root.child("mailetcontainer").isPresent()
                        ? context.path(root.child("mailetcontainer").get(), "file").orElseThrow()
                        : file.resolveSibling("mailetcontainer.xml"),
                broker(context, root.child("broker"), storage));
        return new LoadedConfig(config, listenerReader.lines(), listenerReader.imapLimits(),
                dnsbl(listenerReader, root.child("dnsbl"), listeners));
    }

    /** Each SMTP listener's own blocklists; the top-level ones for the others that do not require AUTH. */
    private static Map<String, DnsblSettings> dnsbl(ListenerReader reader, Optional<XmlElement> global,
                                                    List<ListenerConfig> listeners) throws ConfigException {
        Map<String, DnsblSettings> all = new LinkedHashMap<>(reader.dnsbl());
        if (global.isPresent()) {
            DnsblSettings shared = reader.dnsbl(global.get());
            for (ListenerConfig listener : listeners) {
                if (listener.protocol() == ListenerConfig.Protocol.SMTP && !listener.authRequired()) {
                    all.putIfAbsent(listener.name(), shared);
                }
            }
        }
        return all;
    }

    private String hostName(ConfigContext context, XmlElement root) throws ConfigException {
        Optional<XmlElement> element = root.child("hostname");
        if (element.isEmpty()) {
            return machineName;
        }
        try {
            return ConfigValues.domainName(context.text(element.get()));
        } catch (IllegalArgumentException e) {
            throw context.error(element.get(), null, e.getMessage().replace("domain name", "host name"));
        }
    }

    private record DomainList(List<String> names, String defaultDomain, String postmaster) {
    }

    private DomainList domains(ConfigContext context, Optional<XmlElement> element) throws ConfigException {
        if (element.isEmpty()) {
            return new DomainList(List.of(DEFAULT_DOMAIN), DEFAULT_DOMAIN, "postmaster@" + DEFAULT_DOMAIN);
        }
        List<String> names = new ArrayList<>();
        for (XmlElement domain : element.get().children("domain")) {
            String name;
            try {
                name = ConfigValues.domainName(context.text(domain));
            } catch (IllegalArgumentException e) {
                throw context.error(domain, null, e.getMessage());
            }
            if (names.contains(name)) {
                throw context.error(domain, null, "\"" + name + "\" is listed twice");
            }
            names.add(name);
        }
        Optional<String> defaultDomain = context.value(element.get(), "default", ConfigValues::domainName);
        if (defaultDomain.isPresent() && !names.isEmpty() && !names.contains(defaultDomain.get())) {
            throw context.error(element.get(), "default", "\"" + defaultDomain.get()
                    + "\" is not one of the listed domains " + names + "; add <domain>" + defaultDomain.get() + "</domain>");
        }
        if (names.isEmpty()) {
            names.add(defaultDomain.orElse(DEFAULT_DOMAIN));
        }
        String chosenDefault = defaultDomain.orElse(names.get(0));
        String postmaster = context.value(element.get(), "postmaster", ConfigLoader::mailAddress)
                .orElse("postmaster@" + chosenDefault);
        return new DomainList(names, chosenDefault, postmaster);
    }

    /** "local@domain" with a valid domain, lower-cased; the message of the exception names what is wrong. */
    private static String mailAddress(String value) {
        int at = value.lastIndexOf('@');
        if (at <= 0 || at == value.length() - 1) {
            throw new IllegalArgumentException("\"" + value + "\" is not a mail address (local@domain)");
        }
        return value.substring(0, at) + "@" + ConfigValues.domainName(value.substring(at + 1));
    }

    private StorageConfig storage(ConfigContext context, Optional<XmlElement> element, Path var) throws ConfigException {
        String url = "jdbc:derby:" + var.resolve("derby") + ";create=true";
        Optional<String> user = Optional.empty();
        Optional<String> password = Optional.empty();
        int pool = DEFAULT_POOL_SIZE;
        Path blobs = var.resolve("blobs");
        if (element.isPresent()) {
            Optional<XmlElement> jdbc = element.get().child("jdbc");
            if (jdbc.isPresent()) {
                url = context.attribute(jdbc.get(), "url").orElseThrow();
                if (!url.startsWith("jdbc:derby:") && !url.startsWith("jdbc:postgresql:")) {
                    throw context.error(jdbc.get(), "url", "\"" + url + "\" is not a JDBC URL Postline supports"
                            + " (jdbc:derby:..., jdbc:postgresql://...)");
                }
                user = context.attribute(jdbc.get(), "user");
                password = context.attribute(jdbc.get(), "password");
                pool = context.integer(jdbc.get(), "pool").orElse(DEFAULT_POOL_SIZE);
            }
            Optional<XmlElement> blobElement = element.get().child("blobs");
            if (blobElement.isPresent()) {
                blobs = context.path(blobElement.get(), "dir").orElseThrow();
            }
            Optional<BodyStorage> bodies = context.value(element.get(), "bodies",
                    v -> BodyStorage.valueOf(v.toUpperCase(Locale.ROOT)));
            if (bodies.isPresent()) {
                return new StorageConfig(url, user, password, pool, blobs, bodies.get());
            }
        }
        return new StorageConfig(url, user, password, pool, blobs);
    }

    /** The queues on a broker need the bodies where every node reads them: in the database. */
    private static Optional<BrokerConfig> broker(ConfigContext context, Optional<XmlElement> element,
                                                 StorageConfig storage) throws ConfigException {
        if (element.isEmpty()) {
            return Optional.empty();
        }
        XmlElement broker = element.get();
        String url = context.attribute(broker, "url").orElseThrow();
        if (!url.startsWith("tcp://") && !url.startsWith("(tcp://")) {
            throw context.error(broker, "url", "\"" + url + "\" is not an Artemis broker URL (tcp://host:61616)");
        }
        if (storage.bodies() != BodyStorage.DATABASE) {
            throw context.error(broker, null, "queues on a broker need the mail contents in the database, where every"
                    + " node reads them: set <storage bodies=\"database\"> (the default for PostgreSQL)");
        }
        return Optional.of(new BrokerConfig(url, context.attribute(broker, "user"), context.attribute(broker, "password"),
                context.attribute(broker, "queuePrefix").orElse("postline.")));
    }

    private DnsConfig dns(ConfigContext context, Optional<XmlElement> element) throws ConfigException {
        if (element.isEmpty()) {
            return new DnsConfig(List.of(), DEFAULT_DNS_TIMEOUT);
        }
        List<java.net.InetSocketAddress> resolvers = new ArrayList<>();
        for (XmlElement resolver : element.get().children("resolver")) {
            try {
                resolvers.add(ConfigValues.resolver(context.text(resolver)));
            } catch (IllegalArgumentException e) {
                throw context.error(resolver, null, e.getMessage());
            }
        }
        return new DnsConfig(resolvers,
                context.value(element.get(), "timeout", ConfigValues::duration).orElse(DEFAULT_DNS_TIMEOUT));
    }

    private RelayConfig relay(ConfigContext context, Optional<XmlElement> element) throws ConfigException {
        if (element.isEmpty()) {
            return new RelayConfig(List.of(), true);
        }
        List<String> networks = new ArrayList<>();
        for (XmlElement network : element.get().children("network")) {
            try {
                networks.add(ConfigValues.cidr(context.text(network)));
            } catch (IllegalArgumentException e) {
                throw context.error(network, null, e.getMessage());
            }
        }
        boolean ownAddress = context.value(element.get(), "senderMustBeOwnAddress",
                v -> v.equals("true") || v.equals("1")).orElse(true);
        return new RelayConfig(networks, ownAddress);
    }

    private SpoolConfig spool(ConfigContext context, Optional<XmlElement> element) throws ConfigException {
        SpoolConfig d = SpoolConfig.defaults();
        if (element.isEmpty()) {
            return d;
        }
        XmlElement spool = element.get();
        return new SpoolConfig(
                context.integer(spool, "workers").orElse(d.workers()),
                context.integer(spool, "maxAttempts").orElse(d.maxAttempts()),
                context.value(spool, "retryDelay", ConfigValues::duration).orElse(d.retryDelay()),
                context.integer(spool, "maxQueued").orElse(d.maxQueued()));
    }

    /** The machine's name without asking DNS for more than the local resolver knows; "localhost" if none. */
    public static String localMachineName() {
        try {
            String name = InetAddress.getLocalHost().getHostName();
            return ConfigValues.domainName(name);
        } catch (java.io.IOException | IllegalArgumentException e) {
            return "localhost";
        }
    }
}
