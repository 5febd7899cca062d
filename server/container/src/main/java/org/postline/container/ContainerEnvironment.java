package org.postline.container;

import com.google.inject.Injector;
import org.postline.api.config.DnsConfig;
import org.postline.api.config.SpoolConfig;
import org.postline.api.directory.Domains;
import org.postline.api.directory.RecipientRewrites;
import org.postline.api.directory.Users;
import org.postline.api.queue.MailRepositories;
import org.postline.api.queue.Spool;

/**
 * What the mailet container needs from the rest of the server.
 *
 * @param hostName        the server's name (Reporting-MTA of bounces)
 * @param postmaster      the postmaster address; {@code context/postmaster} in the XML overrides it
 * @param injector        creates mailets and matchers, so they can {@code @Inject} server services
 * @param extensionLoader loads mailet and matcher classes (the classpath plus the jars in extensions/)
 */
public record ContainerEnvironment(String hostName, String postmaster, Domains domains, Users users,
                                   RecipientRewrites rewrites, Spool spool, MailRepositories repositories,
                                   SpoolConfig spoolConfig, DnsConfig dns, Injector injector,
                                   ClassLoader extensionLoader) {
}
