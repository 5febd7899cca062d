package org.postline.protocols.smtp;

import java.util.Optional;
import org.apache.james.protocols.api.OidcSASLConfiguration;
import org.apache.james.protocols.smtp.SMTPConfiguration;
import org.postline.api.config.ListenerConfig;
import org.postline.api.config.ListenerLimits;

/**
 * James's view of one listener's policy. Replaces SMTPConfigurationImpl, which hard-codes no size limit,
 * never relaying and never announcing AUTH (and whose base class looks up the local host name in DNS).
 */
final class SmtpSettings implements SMTPConfiguration {

    private final ListenerConfig listener;
    private final String hostName;
    private final RelayNetworks relayNetworks;

    SmtpSettings(ListenerConfig listener, String hostName, RelayNetworks relayNetworks) {
        this.listener = listener;
        this.hostName = hostName;
        this.relayNetworks = relayNetworks;
    }

    ListenerConfig listener() {
        return listener;
    }

    ListenerLimits limits() {
        return listener.limits();
    }

    String name() {
        return listener.name();
    }

    @Override
    public String getHelloName() {
        return hostName;
    }

    @Override
    public String getGreeting() {
        return hostName + " ESMTP Postline ready";
    }

    @Override
    public String getSoftwareName() {
        return "Postline";
    }

    @Override
    public long getMaxMessageSize() {
        return listener.limits().maxMessageSize();
    }

    @Override
    public boolean isRelayingAllowed(String remoteIp) {
        return relayNetworks.contains(remoteIp);
    }

    /** AUTH PLAIN/LOGIN send the password in the clear: offered under TLS, from loopback if trusted, or when allowed. */
    @Override
    public boolean isAuthAnnounced(String remoteIp, boolean tlsStarted) {
        return tlsStarted || listener.plainAuthWithoutTls() || (listener.loopbackIsSecure() && isLoopback(remoteIp));
    }

    @Override
    public boolean useHeloEhloEnforcement() {
        return true;
    }

    @Override
    public boolean useAddressBracketsEnforcement() {
        return true;
    }

    /** Per-connection gating happens in {@link SmtpAuthCmdHandler}; the mechanisms themselves are on. */
    @Override
    public boolean isPlainAuthEnabled() {
        return true;
    }

    @Override
    public Optional<OidcSASLConfiguration> saslConfiguration() {
        return Optional.empty();
    }

    static boolean isLoopback(String ip) {
        return ip != null && (ip.startsWith("127.") || ip.equals("::1") || ip.equals("0:0:0:0:0:0:0:1"));
    }
}
