package org.postline.container.dns;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postline.api.config.DnsConfig;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.SimpleResolver;

/**
 * Guards the build, not the product: a test JVM's default resolver (what a postline.xml without
 * {@code <dns>} gets) must be on loopback, so no test can ever query a real DNS server. The parent pom sets
 * dnsjava's {@code dns.server} property for surefire and failsafe.
 */
class TestJvmResolverTest {

    @Test
    void defaultResolversOfATestJvmAreLoopbackOnly() {
        DnsClient defaults = new DnsClient(new DnsConfig(List.of(), Duration.ofSeconds(1)));

        List<InetSocketAddress> servers = List.of(((ExtendedResolver) defaults.resolver()).getResolvers()).stream()
                .map(resolver -> ((SimpleResolver) resolver).getAddress())
                .toList();

        assertThat(servers).isNotEmpty().allSatisfy(server -> assertThat(server.getAddress().isLoopbackAddress())
                .as("%s is not a loopback resolver; is dns.server set for this test JVM?", server).isTrue());
        assertThat(ResolverConfig.getCurrentConfig().servers()).allSatisfy(server ->
                assertThat(server.getAddress().isLoopbackAddress()).as("%s", server).isTrue());
    }
}
