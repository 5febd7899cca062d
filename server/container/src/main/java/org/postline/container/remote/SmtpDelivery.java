package org.postline.container.remote;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.mail.AuthenticationFailedException;
import javax.mail.MessagingException;
import javax.net.ssl.SSLException;
import org.apache.mailet.LookupException;
import org.apache.mailet.TemporaryLookupException;
import org.postline.container.dns.DnsClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one mail to the recipients of one domain in one SMTP transaction: finds the targets (the smart
 * hosts, or the domain's MX hosts and their addresses), tries them in order until one gives an answer for the
 * recipients, and returns each recipient's result. A target that cannot be reached, refuses the session or
 * answers MAIL with 4xx is skipped for the next.
 */
final class SmtpDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(SmtpDelivery.class);
    /** Addresses tried per domain and attempt, as Postfix's smtp_mx_address_limit. */
    private static final int MAX_TARGETS = 10;

    private final DeliveryConfig config;
    private final DnsClient dns;
    private final Connector connector;
    private final ConnectionPool pool;

    SmtpDelivery(DeliveryConfig config, DnsClient dns, Connector connector, ConnectionPool pool) {
        this.config = config;
        this.dns = dns;
        this.connector = connector;
        this.pool = pool;
    }

    /** What one try on one target came to. */
    private record Attempt(List<RecipientResult> results, boolean reusable, Optional<String> skipped, String status) {
        static Attempt done(List<RecipientResult> results, boolean reusable) {
            return new Attempt(results, reusable, Optional.empty(), "");
        }

        static Attempt skip(String why, String status) {
            return new Attempt(List.of(), false, Optional.of(why), status);
        }
    }

    List<RecipientResult> deliver(String domain, Optional<String> sender, List<String> recipients,
                                  OutgoingContent content) {
        List<Target> targets;
        try {
            targets = targets(domain);
        } catch (DnsClient.NoSuchDomainException e) {
            return all(recipients, r -> RecipientResult.permanent(r, "5.1.2", "domain " + domain + " does not exist"));
        } catch (DnsClient.NullMxException e) {
            return all(recipients, r -> RecipientResult.permanent(r, "5.1.10", e.getMessage()));
        } catch (TemporaryLookupException e) {
            return all(recipients, r -> RecipientResult.temporary(r, "4.4.3", e.getMessage()));
        } catch (LookupException e) {
            return all(recipients, r -> RecipientResult.permanent(r, "5.4.4", e.getMessage()));
        } catch (UnknownHostException e) {
            return all(recipients, r -> RecipientResult.temporary(r, "4.4.3", "cannot resolve the gateway: "
                    + e.getMessage()));
        }
        String problem = "no address to deliver to";
        String status = "4.4.1";
        for (Target target : targets.subList(0, Math.min(MAX_TARGETS, targets.size()))) {
            for (int round = 0; round < 2; round++) {
                Optional<DeliveryTransport> pooled = round == 0 ? pool.take(target) : Optional.empty();
                DeliveryTransport transport;
                try {
                    transport = pooled.isPresent() ? pooled.get() : connector.open(target, !config.gateways().isEmpty());
                } catch (MessagingException | RuntimeException e) {
                    problem = Connector.describe(e);
                    status = statusOf(e);
                    LOG.debug("{}: {} skipped: {}", domain, target.describe(), problem);
                    break;
                }
                if (pooled.isEmpty()) {
                    pool.using(transport);
                }
                Attempt attempt;
                try {
                    attempt = transaction(transport, target, sender, recipients, content);
                } catch (MessagingException | RuntimeException e) {
                    pool.discard(transport);
                    problem = target.describe() + ": " + Connector.describe(e);
                    status = statusOf(e);
                    if (pooled.isPresent()) {
                        continue; // a reused connection may have gone stale: once more on a new one
                    }
                    break;
                }
                if (attempt.reusable()) {
                    pool.giveBack(target, transport);
                } else {
                    pool.discard(transport);
                }
                if (attempt.skipped().isEmpty()) {
                    return attempt.results();
                }
                problem = attempt.skipped().get();
                status = attempt.status();
                break;
            }
        }
        String why = "delivery to " + domain + " failed for now: " + problem;
        String finalStatus = status;
        return all(recipients, r -> RecipientResult.temporary(r, finalStatus, why));
    }

    private List<Target> targets(String domain) throws LookupException, UnknownHostException {
        List<Target> targets = new ArrayList<>();
        if (!config.gateways().isEmpty()) {
            Target.Security security = switch (config.gatewayTls()) {
                case STARTTLS -> Target.Security.REQUIRED;
                case IMPLICIT -> Target.Security.IMPLICIT;
                case OPPORTUNISTIC -> Target.Security.OPPORTUNISTIC;
                case NONE -> Target.Security.NONE;
            };
            UnknownHostException unresolved = null;
            for (DeliveryConfig.Gateway gateway : config.gateways()) {
                try {
                    // The system resolver, so a smart host may also be named in the hosts file.
                    for (InetAddress address : InetAddress.getAllByName(gateway.host())) {
                        targets.add(new Target(gateway.host(), address, gateway.port(), security));
                    }
                } catch (UnknownHostException e) {
                    unresolved = e;
                }
            }
            if (targets.isEmpty() && unresolved != null) {
                throw unresolved;
            }
            return targets;
        }
        Target.Security security = config.requiresTls(domain) ? Target.Security.REQUIRED : Target.Security.OPPORTUNISTIC;
        for (DnsClient.MailHost host : dns.mailHosts(domain)) {
            for (InetAddress address : host.addresses()) {
                targets.add(new Target(host.name(), address, config.smtpPort(), security));
            }
        }
        return targets;
    }

    private Attempt transaction(DeliveryTransport transport, Target target, Optional<String> sender,
                                List<String> recipients, OutgoingContent content) throws MessagingException {
        String host = target.describe();
        byte[] body = content.raw();
        StringBuilder mailParameters = new StringBuilder();
        if (content.has8Bit()) {
            if (transport.supportsExtension("8BITMIME")) {
                mailParameters.append(" BODY=8BITMIME");
            } else {
                body = content.sevenBit();
            }
        }
        long limit = sizeLimit(transport);
        if (limit > 0 && body.length > limit) {
            String why = "message of " + body.length + " bytes exceeds the size limit of " + host + " (" + limit + ")";
            return Attempt.done(all(recipients, r -> new RecipientResult(r, RecipientResult.Outcome.PERMANENT, "5.3.4",
                    "x-postline; " + why, Optional.of(target.hostName()))), true);
        }
        if (transport.supportsExtension("SIZE")) {
            mailParameters.append(" SIZE=").append(body.length);
        }
        List<String> commands = new ArrayList<>();
        commands.add("MAIL FROM:<" + sender.orElse("") + ">" + mailParameters);
        recipients.forEach(r -> commands.add("RCPT TO:<" + r + ">"));
        List<DeliveryTransport.Reply> replies = transport.commands(commands, transport.supportsExtension("PIPELINING"));

        DeliveryTransport.Reply mail = replies.get(0);
        if (mail.connectionLost() || mail.transientFailure()) {
            return Attempt.skip(host + " said to MAIL FROM: " + mail.text(), "4.4.2");
        }
        if (mail.permanentFailure()) {
            resetQuietly(transport);
            return Attempt.done(all(recipients, r -> RecipientResult.fromReply(r, mail, target.hostName(), "0.0")), true);
        }
        List<RecipientResult> results = new ArrayList<>();
        List<String> accepted = new ArrayList<>();
        for (int i = 0; i < recipients.size(); i++) {
            DeliveryTransport.Reply reply = i + 1 < replies.size() ? replies.get(i + 1) : null;
            if (reply == null || reply.connectionLost()) {
                return Attempt.skip(host + " dropped the session during RCPT"
                        + (reply == null ? "" : ": " + reply.text()), "4.4.2");
            }
            if (reply.positive()) {
                accepted.add(recipients.get(i));
            } else {
                results.add(RecipientResult.fromReply(recipients.get(i), reply, target.hostName(), "0.0"));
            }
        }
        if (accepted.isEmpty()) {
            return Attempt.done(results, resetQuietly(transport));
        }
        DeliveryTransport.Reply data = transport.data(body);
        for (String recipient : accepted) {
            results.add(RecipientResult.fromReply(recipient, data, target.hostName(), "0.0"));
        }
        LOG.debug("{}: {} answered {} to the message for {}", target.hostName(), host, data.text(), accepted);
        return Attempt.done(results, !data.connectionLost());
    }

    private static long sizeLimit(DeliveryTransport transport) {
        String value = transport.getExtensionParameter("SIZE");
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(value.trim().split("\\s+")[0]);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static boolean resetQuietly(DeliveryTransport transport) {
        try {
            return transport.command("RSET").positive();
        } catch (MessagingException | RuntimeException e) {
            return false;
        }
    }

    /** The RFC 3463 status for a failure to reach or talk to a host. */
    static String statusOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof AuthenticationFailedException) {
                return "4.7.0";
            }
            if (t instanceof SSLException || (t.getMessage() != null && t.getMessage().contains("TLS"))) {
                return "4.7.5";
            }
            if (t instanceof ConnectException) {
                return "4.4.1";
            }
            if (t instanceof SocketTimeoutException) {
                return "4.4.2";
            }
        }
        return "4.4.2";
    }

    private static List<RecipientResult> all(List<String> recipients,
                                             java.util.function.Function<String, RecipientResult> result) {
        return recipients.stream().map(result).toList();
    }
}
