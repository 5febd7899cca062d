package org.postline.container.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.mailet.HostAddress;
import org.apache.mailet.LookupException;
import org.apache.mailet.MailetContext.RecordType;
import org.apache.mailet.TemporaryLookupException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postline.api.config.DnsConfig;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;

/** DNS lookups against a fake server on 127.0.0.1; no real DNS server is ever asked. */
class DnsClientTest {

    private FakeDnsServer server;
    private DnsClient dns;

    private static Name n(String name) throws Exception {
        return Name.fromString(name, Name.root);
    }

    @BeforeEach
    void start() throws Exception {
        server = new FakeDnsServer(Map.of(
                n("example.test"), List.<Record>of(
                        new MXRecord(n("example.test"), DClass.IN, 60, 20, n("mx2.example.test")),
                        new MXRecord(n("example.test"), DClass.IN, 60, 10, n("mx1.example.test")),
                        new TXTRecord(n("example.test"), DClass.IN, 60, "v=spf1 -all")),
                n("mx1.example.test"), List.<Record>of(
                        new ARecord(n("mx1.example.test"), DClass.IN, 60, InetAddress.getByName("192.0.2.1")),
                        new AAAARecord(n("mx1.example.test"), DClass.IN, 60, InetAddress.getByName("2001:db8::1"))),
                n("mx2.example.test"), List.<Record>of(
                        new ARecord(n("mx2.example.test"), DClass.IN, 60, InetAddress.getByName("192.0.2.2"))),
                n("nomx.test"), List.<Record>of(
                        new ARecord(n("nomx.test"), DClass.IN, 60, InetAddress.getByName("192.0.2.3"))),
                n("nullmx.test"), List.<Record>of(
                        new MXRecord(n("nullmx.test"), DClass.IN, 60, 0, Name.root),
                        new ARecord(n("nullmx.test"), DClass.IN, 60, InetAddress.getByName("192.0.2.4"))),
                n("1.2.0.192.in-addr.arpa"), List.<Record>of(
                        new PTRRecord(n("1.2.0.192.in-addr.arpa"), DClass.IN, 60, n("mx1.example.test")))));
        dns = new DnsClient(new DnsConfig(List.of(server.address()), Duration.ofSeconds(2)));
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Test
    void mailServersInPreferenceOrder() throws Exception {
        assertThat(dns.mailServers("example.test")).containsExactly("mx1.example.test", "mx2.example.test");
        assertThat(dns.smtpHostAddresses("example.test")).extracting(HostAddress::getHostName, HostAddress::toString)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("mx1.example.test", "smtp://192.0.2.1"),
                        org.assertj.core.groups.Tuple.tuple("mx1.example.test", "smtp://[2001:db8:0:0:0:0:0:1]"),
                        org.assertj.core.groups.Tuple.tuple("mx2.example.test", "smtp://192.0.2.2"));
    }

    @Test
    void withoutMxTheDomainItselfAndANullMxMeansNoMail() throws Exception {
        assertThat(dns.mailServers("nomx.test")).containsExactly("nomx.test");
        assertThat(dns.mailServers("nullmx.test")).isEmpty();
        assertThat(dns.mailServers("unknown.test")).isEmpty();
    }

    @Test
    void lookupsByRecordType() throws Exception {
        assertThat(dns.lookup("mx1.example.test", RecordType.A)).containsExactly("192.0.2.1");
        assertThat(dns.lookup("mx1.example.test", RecordType.AAAA)).containsExactly("2001:db8:0:0:0:0:0:1");
        assertThat(dns.lookup("example.test", RecordType.TXT)).containsExactly("v=spf1 -all");
        assertThat(dns.lookup("example.test", RecordType.MX)).containsExactly("mx1.example.test", "mx2.example.test");
        assertThat(dns.lookup("192.0.2.1", RecordType.PTR)).containsExactly("mx1.example.test");
        assertThat(dns.lookup("mx2.example.test", RecordType.AAAA)).isEmpty();
        assertThatThrownBy(() -> dns.lookup("unknown.test", RecordType.A)).isInstanceOf(LookupException.class)
                .isNotInstanceOf(TemporaryLookupException.class);
    }

    @Test
    void answersAreCached() throws Exception {
        dns.lookup("mx2.example.test", RecordType.A);
        int asked = server.queries.get();
        dns.lookup("mx2.example.test", RecordType.A);
        assertThat(server.queries.get()).isEqualTo(asked);
    }

    @Test
    void aSilentServerIsATemporaryFailure() throws Exception {
        try (java.net.DatagramSocket silent = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            DnsClient slow = new DnsClient(new DnsConfig(List.of(
                    (java.net.InetSocketAddress) silent.getLocalSocketAddress()), Duration.ofMillis(300)));
            assertThatThrownBy(() -> slow.lookup("example.test", RecordType.A))
                    .isInstanceOf(TemporaryLookupException.class);
        }
    }

    @Test
    void mailHostsByPreferenceWithTheirAddresses() throws Exception {
        assertThat(dns.mailHosts("example.test")).extracting(DnsClient.MailHost::name, DnsClient.MailHost::preference)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("mx1.example.test", 10),
                        org.assertj.core.groups.Tuple.tuple("mx2.example.test", 20));
        DnsClient.MailHost first = dns.mailHosts("example.test").get(0);
        assertThat(first.addresses()).extracting(InetAddress::getHostAddress)
                .containsExactly("192.0.2.1", "2001:db8:0:0:0:0:0:1");
        assertThat(first.addresses()).allSatisfy(a -> assertThat(a.getHostName()).isEqualTo("mx1.example.test"));
    }

    @Test
    void mailHostsOfEqualPreferenceComeInRandomOrder() throws Exception {
        server.put(n("equal.test"), List.of(
                new MXRecord(n("equal.test"), DClass.IN, 60, 10, n("mx1.example.test")),
                new MXRecord(n("equal.test"), DClass.IN, 60, 10, n("mx2.example.test")),
                new MXRecord(n("equal.test"), DClass.IN, 60, 5, n("nomx.test"))));
        java.util.Set<String> seconds = new java.util.HashSet<>();
        for (int i = 0; i < 200 && seconds.size() < 2; i++) {
            List<DnsClient.MailHost> hosts = dns.mailHosts("equal.test");
            assertThat(hosts.get(0).name()).isEqualTo("nomx.test");
            seconds.add(hosts.get(1).name());
        }
        assertThat(seconds).containsExactlyInAnyOrder("mx1.example.test", "mx2.example.test");
    }

    @Test
    void withoutMxTheDomainsOwnAddressIsTheMailHost() throws Exception {
        assertThat(dns.mailHosts("nomx.test")).singleElement().satisfies(host -> {
            assertThat(host.name()).isEqualTo("nomx.test");
            assertThat(host.addresses()).extracting(InetAddress::getHostAddress).containsExactly("192.0.2.3");
        });
    }

    @Test
    void mailHostFailuresSayWhetherToBounceOrRetry() throws Exception {
        assertThatThrownBy(() -> dns.mailHosts("nullmx.test")).isInstanceOf(DnsClient.NullMxException.class);
        assertThatThrownBy(() -> dns.mailHosts("unknown.test")).isInstanceOf(DnsClient.NoSuchDomainException.class);
        server.put(n("empty.test"), List.of(new TXTRecord(n("empty.test"), DClass.IN, 60, "nothing here")));
        assertThatThrownBy(() -> dns.mailHosts("empty.test")).isInstanceOf(LookupException.class)
                .isNotInstanceOf(TemporaryLookupException.class).hasMessageContaining("neither MX nor address");
        server.put(n("dangling.test"), List.of(new MXRecord(n("dangling.test"), DClass.IN, 60, 10, n("gone.test"))));
        assertThatThrownBy(() -> dns.mailHosts("dangling.test")).isInstanceOf(LookupException.class)
                .isNotInstanceOf(TemporaryLookupException.class).hasMessageContaining("no address");
        server.fail(n("broken.test"));
        assertThatThrownBy(() -> dns.mailHosts("broken.test")).isInstanceOf(TemporaryLookupException.class);
    }

    @Test
    void cnamesAreFollowed() throws Exception {
        server.put(n("alias.test"), List.of(new MXRecord(n("alias.test"), DClass.IN, 60, 10, n("mail.alias.test"))));
        server.put(n("mail.alias.test"), List.of(new CNAMERecord(n("mail.alias.test"), DClass.IN, 60,
                n("mx2.example.test"))));
        assertThat(dns.mailHosts("alias.test")).singleElement().satisfies(host -> {
            assertThat(host.name()).isEqualTo("mail.alias.test");
            assertThat(host.addresses()).extracting(InetAddress::getHostAddress).containsExactly("192.0.2.2");
        });
    }

    @Test
    void cachedAnswersExpireWithTheirTtl() throws Exception {
        server.put(n("short.test"), List.of(new ARecord(n("short.test"), DClass.IN, 1, InetAddress.getByName("192.0.2.9"))));
        dns.lookup("short.test", RecordType.A);
        int asked = server.queries.get();
        dns.lookup("short.test", RecordType.A);
        assertThat(server.queries.get()).as("cached").isEqualTo(asked);
        Thread.sleep(2_100);
        assertThat(dns.lookup("short.test", RecordType.A)).containsExactly("192.0.2.9");
        assertThat(server.queries.get()).as("asked again once the TTL ran out").isGreaterThan(asked);
    }
}
