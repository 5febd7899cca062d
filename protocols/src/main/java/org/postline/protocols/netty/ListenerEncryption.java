package org.postline.protocols.netty;

import java.nio.file.Path;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.apache.james.protocols.api.ClientAuth;
import org.apache.james.protocols.netty.Encryption;
import org.postline.api.config.ListenerConfig;
import org.postline.protocols.ListenerStartException;
import org.postline.protocols.tls.TlsContexts;
import org.postline.protocols.tls.TlsSetupException;

/** The James Protocols {@link Encryption} a listener's TLS mode asks for: none, STARTTLS or implicit TLS. */
public final class ListenerEncryption {

    private ListenerEncryption() {
    }

    /** @throws ListenerStartException naming the listener when its key material cannot be loaded or made */
    public static Optional<Encryption> of(ListenerConfig config, String hostName, Path varDirectory)
            throws ListenerStartException {
        if (config.tlsMode() == ListenerConfig.TlsMode.NONE) {
            return Optional.empty();
        }
        SSLContext tls;
        try {
            tls = TlsContexts.forListener(config.tls(), hostName, varDirectory);
        } catch (TlsSetupException e) {
            throw new ListenerStartException("listener '" + config.name() + "': TLS: " + e.getMessage(), e);
        }
        String[] protocols = TlsContexts.enabledProtocols(tls);
        return Optional.of(config.tlsMode() == ListenerConfig.TlsMode.IMPLICIT
                ? Encryption.createTls(tls, null, protocols, ClientAuth.NONE)
                : Encryption.createStartTls(tls, null, protocols, ClientAuth.NONE));
    }
}
