package org.postline.api.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Key material for a TLS listener: either a keystore (PKCS12/JKS) or a PEM private key with its chain.
 * The secret is never logged; {@link #toString()} hides it.
 */
public record TlsConfig(
        Optional<Path> keystore,
        String keystoreType,
        Optional<String> secret,
        Optional<Path> privateKeyPem,
        Optional<Path> certificateChainPem) {

    @Override
    public String toString() {
        return "TlsConfig[keystore=" + keystore + ", type=" + keystoreType + ", privateKeyPem=" + privateKeyPem
                + ", certificateChainPem=" + certificateChainPem + ", secret=" + secret.map(s -> "***").orElse("none") + "]";
    }
}
