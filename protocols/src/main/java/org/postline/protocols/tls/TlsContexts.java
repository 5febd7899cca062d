package org.postline.protocols.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.UnrecoverableKeyException;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.postline.api.config.TlsConfig;

/**
 * Builds the server-side {@link SSLContext} of a listener: from a PKCS12/JKS keystore, from a PEM PKCS#8
 * private key with its PEM certificate chain, or (when nothing is configured) from a self-signed
 * certificate generated once under {@code var/tls/}. Shared by the SMTP, POP3 and IMAP listeners.
 */
public final class TlsContexts {

    /** The protocol versions a listener enables; older ones are broken. */
    private static final String[] MODERN_PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private TlsContexts() {
    }

    /**
     * The context for a listener: the configured material, or a self-signed certificate for {@code hostName}
     * kept in {@code varDirectory/tls/} (created on first use, reused afterwards).
     */
    public static SSLContext forListener(Optional<TlsConfig> tls, String hostName, Path varDirectory)
            throws TlsSetupException {
        if (tls.isPresent()) {
            return load(tls.get());
        }
        return selfSigned(hostName, varDirectory.resolve("tls"));
    }

    /** Loads configured key material. */
    public static SSLContext load(TlsConfig config) throws TlsSetupException {
        char[] secret = config.secret().map(String::toCharArray).orElse(new char[0]);
        try {
            if (config.keystore().isPresent()) {
                return fromKeyStore(readKeyStore(config.keystore().get(), config.keystoreType(), secret), secret);
            }
            if (config.privateKeyPem().isPresent() && config.certificateChainPem().isPresent()) {
                KeyStore store = PemKeyMaterial.toKeyStore(config.privateKeyPem().get(),
                        config.certificateChainPem().get(), config.secret(), secret);
                return fromKeyStore(store, secret);
            }
            throw new TlsSetupException("TLS needs either a keystore or both a PEM private key and a PEM certificate chain");
        } finally {
            Arrays.fill(secret, '\0');
        }
    }

    /** A self-signed certificate for {@code hostName}, generated into {@code directory} if not there yet. */
    public static SSLContext selfSigned(String hostName, Path directory) throws TlsSetupException {
        Path store = SelfSignedCertificate.ensure(hostName, directory);
        char[] secret = SelfSignedCertificate.storePassword();
        return fromKeyStore(readKeyStore(store, "PKCS12", secret), secret);
    }

    /** The protocol versions to enable on listeners, among those this JVM supports. */
    public static String[] enabledProtocols(SSLContext context) {
        var supported = Arrays.asList(context.getSupportedSSLParameters().getProtocols());
        return Arrays.stream(MODERN_PROTOCOLS).filter(supported::contains).toArray(String[]::new);
    }

    static KeyStore readKeyStore(Path file, String type, char[] secret) throws TlsSetupException {
        String storeType = type == null || type.isBlank() ? "PKCS12" : type.trim().toUpperCase(Locale.ROOT);
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance(storeType);
            store.load(in, secret);
            if (!hasKeyEntry(store)) {
                throw new TlsSetupException("keystore " + file + " holds no private key entry");
            }
            return store;
        } catch (NoSuchFileException e) {
            throw new TlsSetupException("keystore " + file + " does not exist", e);
        } catch (IOException e) {
            String hint = e.getCause() instanceof UnrecoverableKeyException
                    || String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("password")
                    ? " (wrong secret?)" : "";
            throw new TlsSetupException("cannot read keystore " + file + " as " + storeType + hint + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException("cannot read keystore " + file + " as " + storeType + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasKeyEntry(KeyStore store) throws KeyStoreException {
        for (var aliases = store.aliases(); aliases.hasMoreElements(); ) {
            if (store.isKeyEntry(aliases.nextElement())) {
                return true;
            }
        }
        return false;
    }

    private static SSLContext fromKeyStore(KeyStore store, char[] secret) throws TlsSetupException {
        try {
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, secret);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new TlsSetupException("cannot use the TLS key: " + e.getMessage()
                    + " (the key's password must equal the keystore secret)", e);
        }
    }
}
