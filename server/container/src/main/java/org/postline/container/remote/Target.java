package org.postline.container.remote;

import java.net.InetAddress;

/**
 * One address to try: the host's name (what TLS checks the certificate against), its address, the port,
 * and how the connection must be secured.
 */
record Target(String hostName, InetAddress address, int port, Security security) {

    /** How a connection to a target is secured. */
    enum Security {
        /** STARTTLS when offered, certificate not checked; plain text otherwise. */
        OPPORTUNISTIC,
        /** STARTTLS required, certificate checked: no mail in plain text. */
        REQUIRED,
        /** TLS from the first byte, certificate checked (SMTPS). */
        IMPLICIT,
        /** Never TLS. */
        NONE
    }

    /** For logs and reports: {@code mx.example.net[192.0.2.1]:25}. */
    String describe() {
        return hostName + "[" + address.getHostAddress() + "]" + (port == 25 ? "" : ":" + port);
    }

    /** Connections are reused only for the same address, port and security. */
    String poolKey() {
        return address.getHostAddress() + "|" + port + "|" + security + "|" + hostName;
    }
}
