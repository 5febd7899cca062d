package org.postline.api.config;

import java.util.Objects;
import java.util.Optional;

/**
 * An Apache ActiveMQ Artemis broker that holds the spool and the outgoing queues instead of the database, so
 * that several nodes share them. Queue {@code q} is the JMS queue {@code queuePrefix + q}. The password is
 * never logged.
 */
public record BrokerConfig(String url, Optional<String> user, Optional<String> password, String queuePrefix) {

    public BrokerConfig {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(queuePrefix, "queuePrefix");
    }

    @Override
    public String toString() {
        return "BrokerConfig[url=" + url + ", user=" + user + ", queuePrefix=" + queuePrefix
                + ", password=" + password.map(p -> "***").orElse("none") + "]";
    }
}
