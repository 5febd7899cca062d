package org.postline.api.config;

import java.util.Optional;

/**
 * One listening port of one protocol.
 *
 * @param name            a name for logs and errors, e.g. "smtp", "submission", "imaps"
 * @param bindAddress     the address to bind, e.g. "0.0.0.0" or "127.0.0.1"
 * @param tlsMode         none, STARTTLS offered, or implicit TLS from the first byte
 * @param authRequired    MAIL (SMTP) needs a successful AUTH first; submission ports set this
 * @param plainAuthWithoutTls allow AUTH PLAIN/LOGIN, USER/PASS, LOGIN on a channel without TLS; loopback
 *                        clients always count as secured unless {@code loopbackIsSecure} is false
 * @param loopbackIsSecure treat connections from 127.0.0.0/8 and ::1 as secured (Dovecot's convention)
 * @param tls             where the key and certificate come from; empty means a self-signed certificate in var/
 */
public record ListenerConfig(
        String name,
        Protocol protocol,
        String bindAddress,
        int port,
        TlsMode tlsMode,
        boolean authRequired,
        boolean plainAuthWithoutTls,
        boolean loopbackIsSecure,
        Optional<TlsConfig> tls,
        ListenerLimits limits) {

    public enum Protocol { SMTP, POP3, IMAP }

    public enum TlsMode { NONE, STARTTLS, IMPLICIT }
}
