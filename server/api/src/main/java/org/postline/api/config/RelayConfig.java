package org.postline.api.config;

import java.util.List;

/**
 * Who may relay. Authenticated clients always may; beyond them only the listed networks (CIDR notation,
 * IPv4 or IPv6). The default list is empty: no open relay.
 *
 * @param networks            CIDR blocks whose clients may relay without AUTH
 * @param senderMustBeOwnAddress an authenticated user may use only their own addresses (or aliases) in MAIL FROM
 */
public record RelayConfig(List<String> networks, boolean senderMustBeOwnAddress) {
    public RelayConfig {
        networks = List.copyOf(networks);
    }
}
