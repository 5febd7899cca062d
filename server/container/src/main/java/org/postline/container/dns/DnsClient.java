package org.postline.container.dns;

import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
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
 * configured timeout, a private cache, no search path and no hosts file. MX handling follows RFC 5321
 * section 5 (no MX: the domain itself) and RFC 7505 (a null MX: the domain takes no mail).
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

    private Resolver resolver() {
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

    /** The domain does not exist (NXDOMAIN). */
    public static final class NoSuchDomainException extends LookupException {
        public NoSuchDomainException(String name) {
            super("no such domain: " + name);
        }
    }
}
