package org.postline.container.remote;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The two kinds of TLS remote delivery speaks. Opportunistic STARTTLS (RFC 7435) encrypts without checking
 * the certificate, since refusing would only push the mail to plain text. Verified TLS, for a domain whose
 * policy requires it and for smart hosts, checks the chain against the trust store and the name against the
 * host connected to (HTTPS rules: subject alternative names, wildcards).
 */
final class TlsContexts {

    private final SSLSocketFactory opportunistic;
    private final SSLSocketFactory verified;

    TlsContexts(Optional<DeliveryConfig.TrustStore> trustStore) {
        try {
            SSLContext any = SSLContext.getInstance("TLS");
            any.init(null, new TrustManager[] {new AcceptAnyCertificate()}, null);
            this.opportunistic = any.getSocketFactory();
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trustStore.isPresent() ? load(trustStore.get()) : null);
            SSLContext checked = SSLContext.getInstance("TLS");
            checked.init(null, trust.getTrustManagers(), null);
            this.verified = new NameCheckingFactory(checked.getSocketFactory());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot set up TLS"
                    + trustStore.map(t -> " with trust store " + t.path()).orElse("") + ": " + e.getMessage(), e);
        }
    }

    SSLSocketFactory opportunistic() {
        return opportunistic;
    }

    SSLSocketFactory verified() {
        return verified;
    }

    private static KeyStore load(DeliveryConfig.TrustStore store) throws GeneralSecurityException, IOException {
        KeyStore keyStore = KeyStore.getInstance(store.type());
        try (InputStream in = Files.newInputStream(store.path())) {
            keyStore.load(in, store.password().map(String::toCharArray).orElse(null));
        }
        return keyStore;
    }

    /** For opportunistic TLS only. */
    private static final class AcceptAnyCertificate implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    /** Turns on the JDK's host name check on every socket it makes. */
    private static final class NameCheckingFactory extends SSLSocketFactory {
        private final SSLSocketFactory delegate;

        NameCheckingFactory(SSLSocketFactory delegate) {
            this.delegate = delegate;
        }

        private static Socket checked(Socket socket) {
            if (socket instanceof SSLSocket ssl) {
                SSLParameters parameters = ssl.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                ssl.setSSLParameters(parameters);
            }
            return socket;
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return delegate.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return delegate.getSupportedCipherSuites();
        }

        @Override
        public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
            return checked(delegate.createSocket(s, host, port, autoClose));
        }

        @Override
        public Socket createSocket() throws IOException {
            return checked(delegate.createSocket());
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return checked(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
            return checked(delegate.createSocket(host, port, localHost, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return checked(delegate.createSocket(host, port));
        }

        @Override
        public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort)
                throws IOException {
            return checked(delegate.createSocket(address, port, localAddress, localPort));
        }
    }
}
