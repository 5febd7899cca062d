package org.postline.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.postline.container.dns.FakeDnsServer;
import org.postline.protocols.smtp.DnsBlocklists;
import org.postline.protocols.smtp.DnsblSettings;
import org.postline.protocols.smtp.DnsblSettings.Action;
import org.postline.protocols.smtp.DnsblSettings.Zone;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;

/** Blocklist lookups against a fake DNS server: names, answers that list and that do not, caching. */
class DnsBlocklistsTest {

    private static Name n(String name) throws Exception {
        return Name.fromString(name, Name.root);
    }

    private static ARecord a(String name, String address, long ttl) throws Exception {
        return new ARecord(n(name), DClass.IN, ttl, InetAddress.getByName(address));
    }

    @Test
    void listedAnswersErrorCodesIpv6AndTheCache() throws Exception {
        try (FakeDnsServer dns = new FakeDnsServer(Map.of(
                n("7.2.0.192.bl.test"), List.of(a("7.2.0.192.bl.test", "127.0.0.2", 300)),
                n("8.2.0.192.bl.test"), List.of(a("8.2.0.192.bl.test", "127.255.255.254", 300)),
                n("9.2.0.192.bl.test"), List.of(a("9.2.0.192.bl.test", "192.0.2.1", 300)),
                n("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.test"),
                List.of(a("1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.test", "127.0.0.4", 300))))) {
            DnsBlocklists lists = new DnsBlocklists(new DnsblSettings(List.of(new Zone("bl.test", Action.REJECT)),
                    Duration.ofSeconds(2)), List.of(dns.address()));
            Zone zone = new Zone("bl.test", Action.REJECT);
            assertThat(lists.listings(InetAddress.getByName("192.0.2.7"))).containsExactly(zone);
            assertThat(lists.listings(InetAddress.getByName("192.0.2.8"))).as("blocklist error code").isEmpty();
            assertThat(lists.listings(InetAddress.getByName("192.0.2.9"))).as("answer outside 127/8").isEmpty();
            assertThat(lists.listings(InetAddress.getByName("192.0.2.10"))).as("NXDOMAIN").isEmpty();
            assertThat(lists.listings(InetAddress.getByName("2001:db8::1"))).containsExactly(zone);

            int asked = dns.queries.get();
            assertThat(lists.listings(InetAddress.getByName("192.0.2.7"))).containsExactly(zone);
            assertThat(dns.queries.get()).as("answered from the cache within the TTL").isEqualTo(asked);

            dns.fail(n("7.2.0.192.bl.test"));
            DnsBlocklists fresh = new DnsBlocklists(lists.settings(), List.of(dns.address()));
            assertThat(fresh.listings(InetAddress.getByName("192.0.2.7"))).as("SERVFAIL lists nobody").isEmpty();
        }
    }
}
