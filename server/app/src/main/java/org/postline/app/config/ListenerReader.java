package org.postline.app.config;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.postline.api.config.ConfigException;
import org.postline.api.config.ListenerConfig;
import org.postline.api.config.ListenerConfig.Protocol;
import org.postline.api.config.ListenerConfig.TlsMode;
import org.postline.api.config.ListenerLimits;
import org.postline.protocols.imap.ImapLimits;
import org.postline.protocols.smtp.DnsblSettings;
import org.postline.api.config.TlsConfig;

/** Reads {@code <listeners>}: each {@code <smtp>}, {@code <pop3>}, {@code <imap>} with its defaults and checks. */
final class ListenerReader {

    private final ConfigContext context;
    private final List<ListenerConfig> listeners = new ArrayList<>();
    private final Map<String, Integer> lines = new LinkedHashMap<>();
    private final Map<String, ImapLimits> imapLimits = new LinkedHashMap<>();
    private final Map<String, DnsblSettings> dnsbl = new LinkedHashMap<>();

    ListenerReader(ConfigContext context) {
        this.context = context;
    }

    /** Without a {@code <listeners>} element: SMTP on 25, submission on 587, SMTPS on 465. */
    static List<ListenerConfig> defaults() {
        return List.of(
                smtpDefault("smtp", 25, TlsMode.STARTTLS, false),
                smtpDefault("submission", 587, TlsMode.STARTTLS, true),
                smtpDefault("smtps", 465, TlsMode.IMPLICIT, true));
    }

    private static ListenerConfig smtpDefault(String name, int port, TlsMode tls, boolean auth) {
        return new ListenerConfig(name, Protocol.SMTP, "0.0.0.0", port, tls, auth, false, true,
                Optional.empty(), ListenerLimits.defaults());
    }

    List<ListenerConfig> listeners() {
        return listeners;
    }

    Map<String, Integer> lines() {
        return lines;
    }

    Map<String, ImapLimits> imapLimits() {
        return imapLimits;
    }

    Map<String, DnsblSettings> dnsbl() {
        return dnsbl;
    }

    void read(XmlElement listenersElement) throws ConfigException {
        for (XmlElement element : listenersElement.children()) {
            ListenerConfig listener = listener(element);
            checkUnique(element, listener);
            listeners.add(listener);
            lines.put(listener.name(), element.line());
            if (listener.protocol() == Protocol.IMAP) {
                imapLimits.put(listener.name(), imapLimits(element));
            }
            if (element.child("dnsbl").isPresent()) {
                if (listener.protocol() != Protocol.SMTP) {
                    throw context.error(element.child("dnsbl").get(), null,
                            "only SMTP listeners consult DNS blocklists; move <dnsbl> to an <smtp> listener");
                }
                dnsbl.put(listener.name(), dnsbl(element.child("dnsbl").get()));
            }
        }
    }

    private ListenerConfig listener(XmlElement element) throws ConfigException {
        Protocol protocol = Protocol.valueOf(element.name().toUpperCase(Locale.ROOT));
        Optional<TlsMode> explicitTls = context.value(element, "tls",
                t -> TlsMode.valueOf(t.toUpperCase(Locale.ROOT)));
        int port = context.integer(element, "port")
                .orElseGet(() -> standardPort(protocol, explicitTls.orElse(TlsMode.STARTTLS)));
        TlsMode tls = explicitTls.orElse(isImplicitTlsPort(port) ? TlsMode.IMPLICIT : TlsMode.STARTTLS);
        String name = context.attribute(element, "name").orElseGet(() -> standardName(protocol, port));
        String bind = context.attribute(element, "bind").orElse("0.0.0.0");
        try {
            ConfigValues.ipLiteral(bind);
        } catch (IllegalArgumentException e) {
            throw context.error(element, "bind", e.getMessage() + "; give the address to listen on, e.g. 0.0.0.0, 127.0.0.1 or ::");
        }
        boolean authRequired = protocol != Protocol.SMTP
                || context.attribute(element, "auth").map("required"::equals).orElse(port == 587 || port == 465);
        boolean plainAuthWithoutTls = context.value(element, "plainAuthWithoutTls", ListenerReader::bool).orElse(false);
        boolean loopbackIsSecure = context.value(element, "loopbackIsSecure", ListenerReader::bool).orElse(true);
        Optional<TlsConfig> tlsConfig = element.child("tls").isPresent()
                ? Optional.of(tls(element.child("tls").get())) : Optional.empty();
        ListenerLimits limits = element.child("limits").isPresent()
                ? limits(element.child("limits").get()) : ListenerLimits.defaults();
        return new ListenerConfig(name, protocol, bind, port, tls, authRequired, plainAuthWithoutTls,
                loopbackIsSecure, tlsConfig, limits);
    }

    private ImapLimits imapLimits(XmlElement element) throws ConfigException {
        ImapLimits d = ImapLimits.defaults();
        long beforeLogin = context.value(element, "literalSizeBeforeLogin", ConfigValues::size)
                .orElse((long) d.literalSizeBeforeLogin());
        if (beforeLogin > Integer.MAX_VALUE) {
            throw context.error(element, "literalSizeBeforeLogin", beforeLogin + " bytes is more than 2G;"
                    + " before login a small limit such as 64K is the point");
        }
        int perCommand = context.integer(element, "maxLiteralsPerCommand").orElse(d.maxLiteralsPerCommand());
        return new ImapLimits((int) beforeLogin, perCommand, d.minAuthenticatedIdle());
    }

    DnsblSettings dnsbl(XmlElement element) throws ConfigException {
        List<DnsblSettings.Zone> zones = new ArrayList<>();
        for (XmlElement zone : element.children("zone")) {
            String name;
            try {
                name = ConfigValues.domainName(context.text(zone));
            } catch (IllegalArgumentException e) {
                throw context.error(zone, null, e.getMessage() + "; give the blocklist's zone, e.g. zen.example.org");
            }
            if (zones.stream().anyMatch(z -> z.name().equals(name))) {
                throw context.error(zone, null, "zone \"" + name + "\" is listed twice");
            }
            DnsblSettings.Action action = context.value(zone, "action",
                    a -> DnsblSettings.Action.valueOf(a.toUpperCase(Locale.ROOT))).orElse(DnsblSettings.Action.REJECT);
            zones.add(new DnsblSettings.Zone(name, action));
        }
        Duration timeout = context.value(element, "timeout", ConfigValues::duration).orElse(DnsblSettings.DEFAULT_TIMEOUT);
        if (timeout.isZero() || timeout.compareTo(Duration.ofSeconds(30)) > 0) {
            throw context.error(element, "timeout", timeout.toMillis() + " ms is outside 1ms..30s; a slow blocklist"
                    + " holds every RCPT of a connection while it answers");
        }
        return new DnsblSettings(zones, timeout);
    }

    private void checkUnique(XmlElement element, ListenerConfig candidate) throws ConfigException {
        for (ListenerConfig other : listeners) {
            if (other.name().equalsIgnoreCase(candidate.name())) {
                throw context.error(element, "name", "listener name \"" + candidate.name()
                        + "\" is already used on line " + lines.get(other.name()) + "; give each listener its own name");
            }
            if (candidate.port() != 0 && other.port() == candidate.port() && overlaps(other.bindAddress(), candidate.bindAddress())) {
                throw context.error(element, "port", "port " + candidate.port() + " is already used by listener \""
                        + other.name() + "\" on line " + lines.get(other.name()));
            }
        }
    }

    private static boolean overlaps(String bindA, String bindB) {
        InetAddress a = ConfigValues.ipLiteral(bindA);
        InetAddress b = ConfigValues.ipLiteral(bindB);
        return a.equals(b) || a.isAnyLocalAddress() || b.isAnyLocalAddress();
    }

    private TlsConfig tls(XmlElement element) throws ConfigException {
        boolean keystore = element.attribute("keystore").isPresent();
        boolean key = element.attribute("key").isPresent();
        boolean chain = element.attribute("chain").isPresent();
        if (keystore && (key || chain)) {
            throw context.error(element, "keystore", "give either keystore= or key= with chain=, not both");
        }
        if (!keystore && !key && !chain) {
            throw context.error(element, "keystore", "give keystore= (PKCS12 or JKS) or key= and chain= (PEM files)");
        }
        if (key != chain) {
            throw context.error(element, key ? "chain" : "key", "key= and chain= go together: the PEM private key and its certificate chain");
        }
        if (keystore) {
            return new TlsConfig(Optional.of(context.readableFile(element, "keystore")),
                    context.attribute(element, "type").orElse("PKCS12"),
                    context.attribute(element, "secret"), Optional.empty(), Optional.empty());
        }
        return new TlsConfig(Optional.empty(), context.attribute(element, "type").orElse("PKCS12"),
                context.attribute(element, "secret"),
                Optional.of(context.readableFile(element, "key")), Optional.of(context.readableFile(element, "chain")));
    }

    private ListenerLimits limits(XmlElement element) throws ConfigException {
        ListenerLimits d = ListenerLimits.defaults();
        return new ListenerLimits(
                context.value(element, "maxMessageSize", ConfigValues::size).orElse(d.maxMessageSize()),
                intOr(element, "maxLineLength", d.maxLineLength()),
                intOr(element, "maxRecipients", d.maxRecipients()),
                intOr(element, "maxConnections", d.maxConnections()),
                intOr(element, "maxConnectionsPerIp", d.maxConnectionsPerIp()),
                context.value(element, "idleTimeout", ConfigValues::duration).orElse(d.idleTimeout()),
                intOr(element, "maxBadCommands", d.maxBadCommands()),
                context.value(element, "authFailureDelay", ConfigValues::duration).orElse(d.authFailureDelay()),
                intOr(element, "maxAuthFailures", d.maxAuthFailures()));
    }

    private int intOr(XmlElement element, String attribute, int fallback) throws ConfigException {
        return context.integer(element, attribute).orElse(fallback);
    }

    private static boolean bool(String xsBoolean) {
        return xsBoolean.equals("true") || xsBoolean.equals("1");
    }

    private static int standardPort(Protocol protocol, TlsMode tls) {
        boolean implicit = tls == TlsMode.IMPLICIT;
        return switch (protocol) {
            case SMTP -> implicit ? 465 : 25;
            case POP3 -> implicit ? 995 : 110;
            case IMAP -> implicit ? 993 : 143;
        };
    }

    private static boolean isImplicitTlsPort(int port) {
        return port == 465 || port == 995 || port == 993;
    }

    private static String standardName(Protocol protocol, int port) {
        return switch (port) {
            case 25 -> "smtp";
            case 587 -> "submission";
            case 465 -> "smtps";
            case 110 -> "pop3";
            case 995 -> "pop3s";
            case 143 -> "imap";
            case 993 -> "imaps";
            default -> protocol.name().toLowerCase(Locale.ROOT) + "-" + port;
        };
    }
}
