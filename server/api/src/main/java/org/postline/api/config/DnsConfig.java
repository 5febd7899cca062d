package org.postline.api.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/** Resolvers to ask (empty: the system's) and how long to wait for an answer. */
public record DnsConfig(List<InetSocketAddress> resolvers, Duration timeout) {
    public DnsConfig {
        resolvers = List.copyOf(resolvers);
    }
}
