package org.postline.container.remote;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * How one outgoing queue is delivered: the RemoteDelivery mailet's parameters, checked. Never logs the
 * gateway password ({@link Credentials#toString()} hides it).
 *
 * @param gateways      smart hosts tried in order; empty means delivery to each domain's MX hosts
 * @param gatewayTls    how to secure the connection to a smart host
 * @param requireTls    domains whose MX hosts must offer STARTTLS with a certificate valid for the MX name;
 *                      an entry starting with '.' covers the subdomains
 * @param smtpPort      the port of MX hosts (25; tests use another)
 * @param bounceProcessor where failed mail goes (with its delivery status) to be reported; empty: the
 *                      delivery itself sends the report into the root processor
 */
public record DeliveryConfig(
        String queue,
        RetrySchedule schedule,
        Duration maxAge,
        int threads,
        Optional<String> bounceProcessor,
        List<Gateway> gateways,
        Optional<Credentials> credentials,
        GatewayTls gatewayTls,
        Set<String> requireTls,
        Optional<TrustStore> trustStore,
        int smtpPort,
        String heloName,
        Duration connectTimeout,
        Duration readTimeout,
        Optional<Duration> delayWarning) {

    /** Every parameter RemoteDelivery knows. James parameters that make no difference here are accepted too. */
    public static final Set<String> PARAMETERS = Set.of("outgoingQueue", "delayTime", "maxRetries", "maxAge",
            "deliveryThreads", "bounceProcessor", "gateway", "gatewayPort", "gatewayUsername", "gatewayusername",
            "gatewayPassword", "gatewayTls", "requireTls", "trustStore", "trustStorePassword", "trustStoreType",
            "smtpPort", "heloName", "connectionTimeout", "connectiontimeout", "timeout", "readTimeout",
            "delayWarning");
    /** James parameters accepted for compatibility; Postline behaves as their comment says. */
    public static final Set<String> IGNORED_JAMES_PARAMETERS = Set.of(
            "sendpartial",          // always: each recipient has its own result
            "debug",                // protocol logging is a logger level here
            "maxDnsProblemRetries", // a temporary DNS failure follows the normal retry schedule
            "usePriority", "startTLS", "sslEnable", "mail.smtp.ssl.enable", "name", "bind");

    public DeliveryConfig {
        gateways = List.copyOf(gateways);
        requireTls = Set.copyOf(requireTls);
    }

    /** Whether mail for {@code domain} must go over verified TLS. */
    public boolean requiresTls(String domain) {
        String d = domain.toLowerCase(Locale.ROOT);
        for (String entry : requireTls) {
            if (entry.startsWith(".") ? d.endsWith(entry) : d.equals(entry)) {
                return true;
            }
        }
        return false;
    }

    /** A smart host. */
    public record Gateway(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    /** AUTH credentials for the smart host; the password never appears in a log or a string. */
    public record Credentials(String user, String password) {
        @Override
        public String toString() {
            return "Credentials[user=" + user + ", password=***]";
        }
    }

    /** A trust store for verifying certificates (default: the JDK's). */
    public record TrustStore(Path path, String type, Optional<String> password) {
        @Override
        public String toString() {
            return "TrustStore[" + path + ", " + type + "]";
        }
    }

    /**
     * TLS to a smart host: {@code starttls} (required and verified; the default with credentials),
     * {@code implicit} (TLS from the first byte, verified: port 465), {@code opportunistic} (STARTTLS when
     * offered, unverified; the default without credentials) or {@code none}.
     */
    public enum GatewayTls { STARTTLS, IMPLICIT, OPPORTUNISTIC, NONE }

    /**
     * Reads the mailet parameters.
     *
     * @param params   the init parameters (missing keys take their defaults)
     * @param hostName the server's name, the default HELO name
     * @throws IllegalArgumentException naming the parameter that is wrong
     */
    public static DeliveryConfig parse(Map<String, String> params, String hostName) {
        Params p = new Params(params);
        String queue = p.get("outgoingQueue").orElse("outgoing");
        if (!queue.matches("[A-Za-z0-9._-]{1,64}")) {
            throw new IllegalArgumentException("outgoingQueue: \"" + queue + "\" is not a queue name");
        }
        OptionalInt maxRetries = p.get("maxRetries").map(v -> OptionalInt.of(p.integer("maxRetries", v, 0, 100_000)))
                .orElse(OptionalInt.empty());
        RetrySchedule schedule = p.wrap("delayTime",
                () -> RetrySchedule.parse(p.get("delayTime").orElse(RetrySchedule.DEFAULT_DELAYS), maxRetries));
        Duration maxAge = p.duration("maxAge").orElse(Duration.ofDays(5));
        int threads = p.get("deliveryThreads").map(v -> p.integer("deliveryThreads", v, 1, 256)).orElse(4);
        Optional<String> bounceProcessor = params.containsKey("bounceProcessor")
                ? p.get("bounceProcessor") : Optional.of("bounces");
        int gatewayPort = p.get("gatewayPort").map(v -> p.integer("gatewayPort", v, 1, 65535)).orElse(-1);
        Optional<String> user = p.get("gatewayUsername").or(() -> p.get("gatewayusername"));
        Optional<String> password = p.get("gatewayPassword").map(DeliveryConfig::secret);
        if (user.isPresent() != password.isPresent()) {
            throw new IllegalArgumentException("gatewayUsername and gatewayPassword go together");
        }
        Optional<Credentials> credentials = user.map(u -> new Credentials(u, password.orElseThrow()));
        GatewayTls gatewayTls = p.get("gatewayTls").map(v -> p.wrap("gatewayTls",
                () -> GatewayTls.valueOf(v.toUpperCase(Locale.ROOT))))
                .orElse(credentials.isPresent() ? GatewayTls.STARTTLS : GatewayTls.OPPORTUNISTIC);
        int defaultGatewayPort = gatewayPort > 0 ? gatewayPort : gatewayTls == GatewayTls.IMPLICIT ? 465 : 25;
        List<Gateway> gateways = new ArrayList<>();
        p.get("gateway").ifPresent(list -> {
            for (String entry : list.split(",")) {
                if (!entry.isBlank()) {
                    gateways.add(gateway(p, entry.trim(), defaultGatewayPort));
                }
            }
        });
        if (credentials.isPresent() && gateways.isEmpty()) {
            throw new IllegalArgumentException("gatewayUsername is set but no gateway");
        }
        Set<String> requireTls = new TreeSet<>();
        p.get("requireTls").ifPresent(list -> {
            for (String entry : list.split("[,\\s]+")) {
                if (!entry.isBlank()) {
                    requireTls.add(entry.trim().toLowerCase(Locale.ROOT));
                }
            }
        });
        Optional<TrustStore> trustStore = p.get("trustStore").map(path -> new TrustStore(Path.of(path),
                p.get("trustStoreType").orElse(path.endsWith(".jks") ? "JKS" : "PKCS12"), p.get("trustStorePassword")));
        int smtpPort = p.get("smtpPort").map(v -> p.integer("smtpPort", v, 1, 65535)).orElse(25);
        String helo = p.get("heloName").orElse(hostName);
        Duration connectTimeout = p.duration("connectionTimeout").or(() -> p.duration("connectiontimeout"))
                .orElse(Duration.ofSeconds(60));
        Duration readTimeout = p.duration("readTimeout").or(() -> p.duration("timeout")).orElse(Duration.ofMinutes(3));
        Optional<Duration> delayWarning = p.duration("delayWarning");
        return new DeliveryConfig(queue, schedule, maxAge, threads, bounceProcessor, gateways, credentials, gatewayTls,
                requireTls, trustStore, smtpPort, helo, connectTimeout, readTimeout, delayWarning);
    }

    /** {@code ${env:NAME}} reads the secret from the environment, so it need not sit in the file. */
    private static String secret(String value) {
        if (value.startsWith("${env:") && value.endsWith("}")) {
            String variable = value.substring(6, value.length() - 1);
            String found = System.getenv(variable);
            if (found == null || found.isEmpty()) {
                throw new IllegalArgumentException("gatewayPassword: the environment variable " + variable + " is not set");
            }
            return found;
        }
        return value;
    }

    private static Gateway gateway(Params p, String entry, int defaultPort) {
        String host = entry;
        int port = defaultPort;
        int colon = entry.lastIndexOf(':');
        boolean bracketed = entry.startsWith("[");
        if (colon > 0 && (bracketed ? colon > entry.indexOf(']') : entry.indexOf(':') == colon)) {
            host = entry.substring(0, colon);
            port = p.integer("gateway", entry.substring(colon + 1), 1, 65535);
        }
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("gateway: \"" + entry + "\" names no host");
        }
        return new Gateway(host, port);
    }

    /** Parameter access with messages that name the parameter. */
    private record Params(Map<String, String> values) {
        Optional<String> get(String name) {
            return Optional.ofNullable(values.get(name)).map(String::trim).filter(v -> !v.isEmpty());
        }

        Optional<Duration> duration(String name) {
            return get(name).map(v -> {
                Duration d = wrap(name, () -> Durations.parse(v));
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException(name + ": must be positive");
                }
                return d;
            });
        }

        int integer(String name, String value, int min, int max) {
            try {
                int n = Integer.parseInt(value.trim());
                if (n < min || n > max) {
                    throw new IllegalArgumentException(name + ": " + n + " is not between " + min + " and " + max);
                }
                return n;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + ": \"" + value + "\" is not a number");
            }
        }

        <T> T wrap(String name, java.util.function.Supplier<T> parse) {
            try {
                return parse.get();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
            }
        }
    }
}
