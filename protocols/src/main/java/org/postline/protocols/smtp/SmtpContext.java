package org.postline.protocols.smtp;

import java.nio.file.Path;
import java.util.Objects;
import org.postline.api.config.RelayConfig;
import org.postline.api.config.SpoolConfig;
import org.postline.api.directory.Domains;
import org.postline.api.directory.RecipientRewrites;
import org.postline.api.directory.Users;
import org.postline.api.queue.Spool;

/**
 * What every SMTP listener of a server shares: its name, the directory, the spool, relay and queue policy,
 * and where generated TLS material goes ({@code varDirectory/tls/}).
 */
public record SmtpContext(String hostName, Domains domains, Users users, RecipientRewrites rewrites,
                          Spool spool, RelayConfig relay, SpoolConfig spoolConfig, Path varDirectory) {

    public SmtpContext {
        Objects.requireNonNull(hostName, "hostName");
        Objects.requireNonNull(domains, "domains");
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(rewrites, "rewrites");
        Objects.requireNonNull(spool, "spool");
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(spoolConfig, "spoolConfig");
        Objects.requireNonNull(varDirectory, "varDirectory");
    }
}
