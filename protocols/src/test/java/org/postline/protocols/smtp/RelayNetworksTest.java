package org.postline.protocols.smtp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RelayNetworksTest {

    @Test
    void matchesIpv4AndIpv6Blocks() {
        RelayNetworks networks = RelayNetworks.parse(List.of("192.168.0.0/16", "10.1.2.3", "2001:db8::/33", "::1/128",
                "172.16.0.0/12"));
        assertThat(networks.contains("192.168.255.1")).isTrue();
        assertThat(networks.contains("192.169.0.1")).isFalse();
        assertThat(networks.contains("10.1.2.3")).isTrue();
        assertThat(networks.contains("10.1.2.4")).isFalse();
        assertThat(networks.contains("172.31.255.255")).isTrue();
        assertThat(networks.contains("172.32.0.0")).isFalse();
        assertThat(networks.contains("2001:db8:7fff::1")).isTrue();
        assertThat(networks.contains("2001:db8:8000::1")).isFalse();
        assertThat(networks.contains("0:0:0:0:0:0:0:1")).isTrue();
        assertThat(networks.contains("::2")).isFalse();
        assertThat(networks.contains("not-an-address")).isFalse();
    }

    @Test
    void emptyMeansNobody() {
        assertThat(RelayNetworks.parse(List.of()).contains("127.0.0.1")).isFalse();
    }

    @Test
    void rejectsHostNamesAndBadPrefixes() {
        assertThatThrownBy(() -> RelayNetworks.parse(List.of("mail.example.org/24")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'mail.example.org/24'");
        assertThatThrownBy(() -> RelayNetworks.parse(List.of("10.0.0.0/33")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("prefix length out of range");
        assertThatThrownBy(() -> RelayNetworks.parse(List.of("300.1.1.1")))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
