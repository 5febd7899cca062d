package org.postline.protocols.smtp;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The DNS blocklists an SMTP listener consults (RFC 5782), and how long one lookup may take. A client listed
 * on a {@code reject} zone is refused at RCPT with 554 5.7.1 naming the zone; a listing on a {@code tag}
 * zone is recorded with the mail (attribute {@code org.postline.auth.dnsbl}) for the pipeline to act on.
 */
public record DnsblSettings(List<Zone> zones, Duration timeout) {

    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(2);

    public DnsblSettings {
        zones = List.copyOf(zones);
        Objects.requireNonNull(timeout, "timeout");
    }

    public static DnsblSettings none() {
        return new DnsblSettings(List.of(), DEFAULT_TIMEOUT);
    }

    public boolean enabled() {
        return !zones.isEmpty();
    }

    public enum Action { REJECT, TAG }

    /** @param name the zone, e.g. {@code zen.spamhaus.org}, lower case without a trailing dot */
    public record Zone(String name, Action action) {
        public Zone {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(action, "action");
        }
    }
}
