package org.postline.protocols.smtp;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Looks client addresses up on DNS blocklists: the address reversed (octets for IPv4, nibbles for IPv6)
 * under each zone, type A (RFC 5782). An answer in 127.0.0.0/8 lists the client, except 127.255.255.0/24,
 * which blocklists use to report errors such as refused queries. Answers are cached for their TTL (and
 * NXDOMAIN for the SOA's negative TTL) in a cache of our own; a lookup that fails or times out lists nobody.
 */
public final class DnsBlocklists {

    private static final Logger LOGGER = LoggerFactory.getLogger(DnsBlocklists.class);

    private final DnsblSettings settings;
    private final Resolver resolver;
    private final Cache cache = new Cache(DClass.IN);

    /** @param resolvers the DNS servers to ask; empty: the system's */
    public DnsBlocklists(DnsblSettings settings, List<InetSocketAddress> resolvers) {
        this.settings = settings;
        ExtendedResolver extended;
        if (resolvers.isEmpty()) {
            extended = new ExtendedResolver();
        } else {
            List<Resolver> list = new ArrayList<>();
            resolvers.forEach(address -> list.add(new SimpleResolver(address)));
            extended = new ExtendedResolver(list);
        }
        extended.setTimeout(settings.timeout());
        extended.setRetries(1);
        this.resolver = extended;
    }

    public DnsblSettings settings() {
        return settings;
    }

    /** The zones that list the client, in configuration order. */
    public List<DnsblSettings.Zone> listings(InetAddress client) {
        List<DnsblSettings.Zone> listed = new ArrayList<>();
        for (DnsblSettings.Zone zone : settings.zones()) {
            if (isListed(client, zone.name())) {
                listed.add(zone);
            }
        }
        return listed;
    }

    private boolean isListed(InetAddress client, String zone) {
        Name name;
        try {
            name = Name.fromString(reversed(client) + zone, Name.root);
        } catch (TextParseException e) {
            LOGGER.warn("DNSBL {}: cannot form a query name for {}: {}", zone, client.getHostAddress(), e.getMessage());
            return false;
        }
        Lookup lookup = new Lookup(name, Type.A, DClass.IN);
        lookup.setResolver(resolver);
        lookup.setCache(cache);
        lookup.setHostsFileParser(null);
        Record[] answers = lookup.run();
        switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL:
                for (Record record : answers) {
                    if (record instanceof ARecord a && listsClient(a.getAddress())) {
                        return true;
                    }
                }
                return false;
            case Lookup.HOST_NOT_FOUND:
            case Lookup.TYPE_NOT_FOUND:
                return false;
            default:
                LOGGER.warn("DNSBL {}: lookup for {} failed ({}); the client is not treated as listed", zone,
                        client.getHostAddress(), lookup.getErrorString());
                return false;
        }
    }

    private static boolean listsClient(InetAddress answer) {
        byte[] b = answer.getAddress();
        return b.length == 4 && b[0] == 127 && !(b[1] == (byte) 255 && b[2] == (byte) 255);
    }

    /** "4.3.2.1." for 1.2.3.4; 32 nibbles, last first, for an IPv6 address. */
    static String reversed(InetAddress client) {
        byte[] bytes = client.getAddress();
        StringBuilder out = new StringBuilder();
        if (client instanceof Inet4Address) {
            for (int i = bytes.length - 1; i >= 0; i--) {
                out.append(bytes[i] & 0xff).append('.');
            }
        } else {
            for (int i = bytes.length - 1; i >= 0; i--) {
                out.append(Integer.toHexString(bytes[i] & 0x0f)).append('.')
                        .append(Integer.toHexString((bytes[i] >> 4) & 0x0f)).append('.');
            }
        }
        return out.toString().toLowerCase(Locale.ROOT);
    }
}
