package org.postline.protocols.pop3;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.apache.james.protocols.api.ProtocolConfiguration;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.pop3.POP3Response;
import org.postline.api.config.ListenerConfig;
import org.postline.api.config.ListenerLimits;

/**
 * James's view of one POP3 listener, and its login policy. Replaces POP3Configuration, whose base class
 * looks up the local host name in DNS and whose greeting names James.
 */
final class Pop3Settings implements ProtocolConfiguration {

    private final ListenerConfig listener;
    private final String hostName;

    Pop3Settings(ListenerConfig listener, String hostName) {
        this.listener = listener;
        this.hostName = hostName;
    }

    String name() {
        return listener.name();
    }

    String hostName() {
        return hostName;
    }

    ListenerLimits limits() {
        return listener.limits();
    }

    /**
     * USER/PASS and AUTH PLAIN send the password in the clear: allowed under TLS, from loopback when
     * loopback counts as secure, or when the listener allows it outright.
     */
    boolean plainLoginAllowed(ProtocolSession session) {
        if (session.isTLSStarted() || listener.plainAuthWithoutTls()) {
            return true;
        }
        InetSocketAddress remote = session.getRemoteAddress();
        InetAddress address = remote == null ? null : remote.getAddress();
        return listener.loopbackIsSecure() && address != null && address.isLoopbackAddress();
    }

    /** The reply to USER, PASS or AUTH where {@link #plainLoginAllowed} says no. */
    POP3Response plainLoginRefusal(ProtocolSession session) {
        return Pop3Replies.error(canStartTls(session)
                ? "TLS is required for plain-text login; send STLS first"
                : "TLS is required for plain-text login; use the implicit-TLS port");
    }

    /** STLS can still be started on this connection. */
    boolean canStartTls(ProtocolSession session) {
        return session.isStartTLSSupported() && !session.isTLSStarted();
    }

    @Override
    public String getHelloName() {
        return hostName;
    }

    @Override
    public String getGreeting() {
        return hostName + " POP3 ready";
    }

    @Override
    public String getSoftwareName() {
        return "Postline";
    }
}
