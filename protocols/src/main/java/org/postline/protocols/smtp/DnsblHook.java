package org.postline.protocols.smtp;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.james.core.MailAddress;
import org.apache.james.core.MaybeSender;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.smtp.SMTPSession;
import org.apache.james.protocols.smtp.hook.HookResult;
import org.apache.james.protocols.smtp.hook.RcptHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consults the DNS blocklists once per connection, at the first RCPT (clients that only probe or QUIT cost no
 * lookups), and refuses every RCPT of a client on a reject zone with 554 5.7.1 naming the zone. Listings on
 * tag zones are kept for DATA, which records them with the mail. Clients allowed to relay (authenticated, or
 * from a relay network) are not looked up.
 */
final class DnsblHook implements RcptHook {

    private static final Logger LOGGER = LoggerFactory.getLogger(DnsblHook.class);

    /** The listings of this connection's client, once looked up. */
    static final ProtocolSession.AttachmentKey<Listings> LISTINGS =
            ProtocolSession.AttachmentKey.of("POSTLINE_DNSBL", Listings.class);

    /** The zones that list the client. */
    record Listings(List<DnsblSettings.Zone> zones) {
        Optional<DnsblSettings.Zone> rejecting() {
            return zones.stream().filter(z -> z.action() == DnsblSettings.Action.REJECT).findFirst();
        }

        List<String> tags() {
            return zones.stream().filter(z -> z.action() == DnsblSettings.Action.TAG).map(DnsblSettings.Zone::name).toList();
        }
    }

    private final String listener;
    private final DnsBlocklists blocklists;

    DnsblHook(String listener, DnsBlocklists blocklists) {
        this.listener = listener;
        this.blocklists = blocklists;
    }

    @Override
    public HookResult doRcpt(SMTPSession session, MaybeSender sender, MailAddress rcpt, Map<String, String> parameters) {
        if (session.isRelayingAllowed()) {
            return HookResult.DECLINED;
        }
        Listings listings = session.getAttachment(LISTINGS, ProtocolSession.State.Connection).orElseGet(() -> {
            Listings found = lookUp(session.getRemoteAddress().getAddress());
            session.setAttachment(LISTINGS, found, ProtocolSession.State.Connection);
            return found;
        });
        Optional<DnsblSettings.Zone> rejecting = listings.rejecting();
        if (rejecting.isPresent()) {
            return Replies.reject("554", "5.7.1 Service unavailable; client ["
                    + session.getRemoteAddress().getAddress().getHostAddress() + "] is listed on " + rejecting.get().name());
        }
        return HookResult.DECLINED;
    }

    private Listings lookUp(InetAddress client) {
        List<DnsblSettings.Zone> zones;
        try {
            zones = blocklists.listings(client);
        } catch (RuntimeException e) {
            LOGGER.warn("listener '{}': DNSBL lookup for {} failed; not treated as listed", listener, client.getHostAddress(), e);
            zones = List.of();
        }
        if (!zones.isEmpty()) {
            LOGGER.info("listener '{}': client {} is listed on {}", listener, client.getHostAddress(),
                    zones.stream().map(z -> z.name() + " (" + z.action().name().toLowerCase() + ")").toList());
        }
        return new Listings(zones);
    }
}
