package org.postline.container.dns;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.apache.mailet.HostAddress;
import org.apache.mailet.LookupException;
import org.apache.mailet.MailetContext.RecordType;
import org.apache.mailet.TemporaryLookupException;
import org.postline.api.config.DnsConfig;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Lookup;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * DNS as the mailet context offers it, on dnsjava: the configured resolvers (or the system's) with the
 * configured timeout, a private cache (answers kept for their TTL), no search path and no hosts file; CNAMEs
 * are followed. MX handling follows RFC 5321 section 5 (no MX: the domain itself) and RFC 7505 (a null MX:
 * the domain takes no mail); {@link #mailHosts} is what remote delivery uses.
 */
public final class DnsClient {

    private final Supplier<Resolver> resolverFactory;
    private volatile Resolver resolver;
    private final Cache cache = new Cache(DClass.IN);

    public DnsClient(DnsConfig config) {
        this(() -> resolverFor(config));
    }

    /** For tests: any resolver, created when first needed. */
    public DnsClient(Supplier<Resolver> resolverFactory) {
        this.resolverFactory = resolverFactory;
    }

    private static Resolver resolverFor(DnsConfig config) {
        ExtendedResolver resolver;
        if (config.resolvers().isEmpty()) {
            resolver = new ExtendedResolver();
        } else {
            List<Resolver> list = new ArrayList<>();
            config.resolvers().forEach(address -> list.add(new SimpleResolver(address)));
            resolver = new ExtendedResolver(list);
        }
        resolver.setTimeout(config.timeout());
        return resolver;
    }

    /** Package-private so a test can check which servers the defaults ask. */
    Resolver resolver() {
        Resolver r = resolver;
        if (r == null) {
            synchronized (this) {
                if (resolver == null) {
                    resolver = resolverFactory.get();
                }
                r = resolver;
            }
        }
        return r;
    }

    /** Records of one type as text; empty when the name exists without such records. */
    public List<String> lookup(String name, RecordType type) throws LookupException {
        return switch (type) {
            case A -> records(name, Type.A).stream().map(r -> ((ARecord) r).getAddress().getHostAddress()).toList();
            case AAAA -> records(name, Type.AAAA).stream().map(r -> ((AAAARecord) r).getAddress().getHostAddress()).toList();
            case MX -> mxRecords(name).stream().map(r -> hostName(r.getTarget())).toList();
            case PTR -> records(reverseName(name), Type.PTR).stream().map(r -> hostName(((PTRRecord) r).getTarget())).toList();
            case TXT, SPF -> records(name, Type.TXT).stream().map(r -> String.join("", ((TXTRecord) r).getStrings())).toList();
        };
    }

    /**
     * Hosts that accept mail for the domain, best first. No MX record: the domain itself if it has an
     * address. A null MX ({@code MX 0 .}) or an unknown domain: none.
     */
    public List<String> mailServers(String domain) throws LookupException {
        List<MXRecord> mx;
        try {
            mx = mxRecords(domain);
        } catch (NoSuchDomainException e) {
            return List.of();
        }
        if (mx.isEmpty()) {
            return hasAddress(domain) ? List.of(domain.toLowerCase(Locale.ROOT)) : List.of();
        }
        if (mx.size() == 1 && mx.get(0).getTarget().equals(Name.root)) {
            return List.of();
        }
        return mx.stream().filter(r -> !r.getTarget().equals(Name.root)).map(r -> hostName(r.getTarget())).toList();
    }

    /**
     * Where to deliver mail for a domain (RFC 5321 section 5.1): the MX hosts by preference, in random order
     * among equal preferences, each with its IPv4 then IPv6 addresses; without MX records the domain itself.
     * MX hosts without an address are left out.
     *
     * @throws NoSuchDomainException    the domain does not exist (NXDOMAIN): mail to it fails for good
     * @throws NullMxException          the domain publishes a null MX (RFC 7505): it accepts no mail
     * @throws TemporaryLookupException a resolver failed or timed out: try again later
     * @throws LookupException          the domain or all of its MX hosts have no address (permanent)
     */
    public List<MailHost> mailHosts(String domain) throws LookupException {
        List<MXRecord> mx = mxRecords(domain);
        List<MXRecord> usable = mx.stream().filter(r -> !r.getTarget().equals(Name.root)).toList();
        if (!mx.isEmpty() && usable.isEmpty()) {
            throw new NullMxException(domain);
        }
        if (mx.isEmpty()) {
            List<InetAddress> addresses = addressesOfHost(domain);
            if (addresses.isEmpty()) {
                throw new LookupException("no mail server for " + domain + ": it has neither MX nor address records");
            }
            return List.of(new MailHost(domain.toLowerCase(Locale.ROOT), 0, addresses));
        }
        Map<Integer, List<MXRecord>> byPreference = new TreeMap<>();
        usable.forEach(r -> byPreference.computeIfAbsent(r.getPriority(), p -> new ArrayList<>()).add(r));
        List<MailHost> hosts = new ArrayList<>();
        TemporaryLookupException temporary = null;
        for (List<MXRecord> equal : byPreference.values()) {
            Collections.shuffle(equal, ThreadLocalRandom.current()); // spreads load over equal MX hosts
            for (MXRecord record : equal) {
                String host = hostName(record.getTarget());
                try {
                    List<InetAddress> addresses = addressesOfHost(host);
                    if (!addresses.isEmpty()) {
                        hosts.add(new MailHost(host, record.getPriority(), addresses));
                    }
                } catch (TemporaryLookupException e) {
                    temporary = e;
                }
            }
        }
        if (hosts.isEmpty()) {
            if (temporary != null) {
                throw temporary;
            }
            throw new LookupException("no mail server for " + domain + ": its MX hosts have no address");
        }
        return hosts;
    }

    /** IPv4 then IPv6 addresses of a host, each carrying the host name (for TLS checks); empty for NXDOMAIN. */
    public List<InetAddress> addressesOfHost(String host) throws LookupException {
        List<InetAddress> addresses = new ArrayList<>();
        for (int type : new int[] {Type.A, Type.AAAA}) {
            List<Record> found;
            try {
                found = records(host, type);
            } catch (NoSuchDomainException e) {
                return addresses;
            }
            for (Record r : found) {
                InetAddress address = r instanceof ARecord a ? a.getAddress() : ((AAAARecord) r).getAddress();
                try {
                    addresses.add(InetAddress.getByAddress(host.toLowerCase(Locale.ROOT), address.getAddress()));
                } catch (UnknownHostException e) {
                    throw new LookupException("bad address record for " + host);
                }
            }
        }
        return addresses;
    }

    /** The addresses of each mail server, in preference order, as {@code smtp://address} host addresses. */
    public List<HostAddress> smtpHostAddresses(String domain) throws LookupException {
        List<HostAddress> out = new ArrayList<>();
        for (String host : mailServers(domain)) {
            for (String address : addressesOf(host)) {
                out.add(new HostAddress(host, "smtp://" + (address.contains(":") ? "[" + address + "]" : address)));
            }
        }
        return out;
    }

    private List<String> addressesOf(String host) throws LookupException {
        List<String> addresses = new ArrayList<>();
        for (RecordType type : List.of(RecordType.A, RecordType.AAAA)) {
            try {
                addresses.addAll(lookup(host, type));
            } catch (NoSuchDomainException e) {
                return addresses;
            }
        }
        return addresses;
    }

    private boolean hasAddress(String domain) throws LookupException {
        return !addressesOf(domain).isEmpty();
    }

    private List<MXRecord> mxRecords(String domain) throws LookupException {
        List<MXRecord> mx = new ArrayList<>();
        records(domain, Type.MX).forEach(r -> mx.add((MXRecord) r));
        mx.sort(Comparator.comparingInt(MXRecord::getPriority).thenComparing(r -> r.getTarget().toString()));
        return mx;
    }

    private List<Record> records(String name, int type) throws LookupException {
        Lookup lookup = new Lookup(absolute(name), type, DClass.IN);
        lookup.setResolver(resolver());
        lookup.setCache(cache);
        lookup.setHostsFileParser(null);
        Record[] answers = lookup.run();
        return switch (lookup.getResult()) {
            case Lookup.SUCCESSFUL -> answers == null ? List.of() : Arrays.asList(answers);
            case Lookup.TYPE_NOT_FOUND -> List.of();
            case Lookup.HOST_NOT_FOUND -> throw new NoSuchDomainException(name);
            case Lookup.TRY_AGAIN -> throw new TemporaryLookupException("DNS lookup of " + name + " ("
                    + Type.string(type) + ") failed for now: " + lookup.getErrorString());
            default -> throw new LookupException("DNS lookup of " + name + " (" + Type.string(type) + ") failed: "
                    + lookup.getErrorString());
        };
    }

    private static Name absolute(String name) throws LookupException {
        try {
            return Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            throw new LookupException("not a domain name: " + name);
        }
    }

    private static Name reverseName(String address) throws LookupException {
        try {
            return ReverseMap.fromAddress(address);
        } catch (UnknownHostException e) {
            return absolute(address);
        }
    }

    private List<Record> records(Name name, int type) throws LookupException {
        return records(name.toString(), type);
    }

    private static String hostName(Name name) {
        String text = name.toString(true);
        return text.toLowerCase(Locale.ROOT);
    }

    /** One place to deliver to: an MX host (or the domain itself) and its addresses. */
    public record MailHost(String name, int preference, List<InetAddress> addresses) {
        public MailHost {
            addresses = List.copyOf(addresses);
        }
    }

    /** The domain publishes a null MX ({@code MX 0 .}, RFC 7505): it accepts no mail at all. */
    public static final class NullMxException extends LookupException {
        public NullMxException(String domain) {
            super(domain + " accepts no mail (null MX, RFC 7505)");
        }
    }

    /** The domain does not exist (NXDOMAIN). */
    public static final class NoSuchDomainException extends LookupException {
        public NoSuchDomainException(String name) {
            super("no such domain: " + name);
        }
    }
}
