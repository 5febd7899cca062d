package org.postline.protocols.smtp;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Key material for tests, made with the JDK's keytool: a PKCS12 keystore and the same key as PEM files. */
final class TlsFixtures {

    static final String SECRET = "test-secret";

    private TlsFixtures() {
    }

    static synchronized Path keystore(Path directory) throws Exception {
        Path store = directory.resolve("configured.p12");
        if (Files.exists(store)) {
            return store;
        }
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Process process = new ProcessBuilder(List.of(keytool.toString(), "-genkeypair", "-noprompt", "-alias", "server",
                "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "30", "-dname", "CN=configured.example",
                "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", SECRET, "-keypass", SECRET))
                .redirectErrorStream(true).start();
        process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed");
        }
        return store;
    }

    /** @return the private key file and the chain file */
    static Path[] pem(Path directory) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore(directory))) {
            store.load(in, SECRET.toCharArray());
        }
        PrivateKey key = (PrivateKey) store.getKey("server", SECRET.toCharArray());
        Certificate[] chain = store.getCertificateChain("server");
        Path keyFile = directory.resolve("key.pem");
        Path chainFile = directory.resolve("chain.pem");
        write(keyFile, "PRIVATE KEY", key.getEncoded());
        try (OutputStream out = Files.newOutputStream(chainFile)) {
            for (Certificate certificate : chain) {
                out.write(block("CERTIFICATE", certificate.getEncoded()).getBytes(StandardCharsets.US_ASCII));
            }
        }
        return new Path[] {keyFile, chainFile};
    }

    private static void write(Path file, String label, byte[] der) throws Exception {
        Files.writeString(file, block(label, der), StandardCharsets.US_ASCII);
    }

    private static String block(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
