package org.postline.protocols.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.KeySpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.EncryptedPrivateKeyInfo;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/** Reads a PEM PKCS#8 private key and a PEM certificate chain into an in-memory keystore (JDK only). */
final class PemKeyMaterial {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\\s]*?)-----END \\1-----");
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "DSA"};

    private PemKeyMaterial() {
    }

    static KeyStore toKeyStore(Path keyPem, Path chainPem, Optional<String> keySecret, char[] storeSecret)
            throws TlsSetupException {
        PrivateKey key = readPrivateKey(keyPem, keySecret);
        Certificate[] chain = readChain(chainPem);
        checkKeyMatches(key, chain[0], keyPem, chainPem);
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("postline", key, storeSecret, chain);
            return store;
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsSetupException("cannot assemble the key from " + keyPem + ": " + e.getMessage(), e);
        }
    }

    static PrivateKey readPrivateKey(Path file, Optional<String> secret) throws TlsSetupException {
        String text = read(file);
        Matcher block = BLOCK.matcher(text);
        while (block.find()) {
            String label = block.group(1);
            byte[] der = Base64.getMimeDecoder().decode(block.group(2));
            switch (label) {
                case "PRIVATE KEY":
                    return decode(new PKCS8EncodedKeySpec(der), file);
                case "ENCRYPTED PRIVATE KEY":
                    return decrypt(der, secret, file);
                case "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY":
                    throw new TlsSetupException(file + " holds a " + label + " (traditional format); convert it to PKCS#8 with "
                            + "`openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName() + " -out key.pem`");
                default:
                    // Parameters blocks ("EC PARAMETERS") and the like come before the key: skip them.
            }
        }
        throw new TlsSetupException(file + " holds no PEM \"PRIVATE KEY\" block");
    }

    private static PrivateKey decrypt(byte[] der, Optional<String> secret, Path file) throws TlsSetupException {
        if (secret.isEmpty()) {
            throw new TlsSetupException(file + " holds an encrypted private key but no <secret> is configured");
        }
        char[] password = secret.get().toCharArray();
        try {
            EncryptedPrivateKeyInfo info = new EncryptedPrivateKeyInfo(der);
            String algorithm = info.getAlgParameters() != null ? info.getAlgParameters().toString() : info.getAlgName();
            SecretKeyFactory factory = SecretKeyFactory.getInstance(algorithm);
            Cipher cipher = Cipher.getInstance(algorithm);
            cipher.init(Cipher.DECRYPT_MODE, factory.generateSecret(new PBEKeySpec(password)), info.getAlgParameters());
            return decode(info.getKeySpec(cipher), file);
        } catch (GeneralSecurityException | IOException e) {
            throw new TlsSetupException("cannot decrypt the private key in " + file + ": " + e.getMessage()
                    + ". Check the secret; if it is right, this JVM cannot read this encryption (JDK 17 cannot read "
                    + "OpenSSL 3's default): store the key unencrypted as PKCS#8 with file mode 0600, or use a PKCS12 keystore", e);
        } finally {
            Arrays.fill(password, '\0');
        }
    }

    private static PrivateKey decode(KeySpec spec, Path file) throws TlsSetupException {
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException | NoSuchAlgorithmException notThisOne) {
                // try the next algorithm
            }
        }
        throw new TlsSetupException(file + ": the private key is not an RSA, EC, EdDSA or DSA key this JVM can read");
    }

    static Certificate[] readChain(Path file) throws TlsSetupException {
        String text = read(file);
        List<Certificate> chain = new ArrayList<>();
        try {
            CertificateFactory factory = CertificateFactory.getInstance("X.509");
            Matcher block = BLOCK.matcher(text);
            while (block.find()) {
                if (block.group(1).equals("CERTIFICATE")) {
                    byte[] der = Base64.getMimeDecoder().decode(block.group(2));
                    try (InputStream in = new ByteArrayInputStream(der)) {
                        chain.add(factory.generateCertificate(in));
                    }
                }
            }
        } catch (GeneralSecurityException | IOException | IllegalArgumentException e) {
            throw new TlsSetupException("cannot read the certificate chain in " + file + ": " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new TlsSetupException(file + " holds no PEM \"CERTIFICATE\" block");
        }
        return chain.toArray(Certificate[]::new);
    }

    /** Signs with the key and verifies with the first certificate, so a mismatched pair fails at start. */
    private static void checkKeyMatches(PrivateKey key, Certificate leaf, Path keyPem, Path chainPem)
            throws TlsSetupException {
        String signatureAlgorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "DSA" -> "SHA256withDSA";
            default -> key.getAlgorithm();
        };
        byte[] probe = "postline key check".getBytes(StandardCharsets.US_ASCII);
        try {
            Signature signer = Signature.getInstance(signatureAlgorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(signatureAlgorithm);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(probe);
            if (verifier.verify(signature)) {
                return;
            }
        } catch (GeneralSecurityException e) {
            // a key of another type than the certificate: reported below
        }
        throw new TlsSetupException("the private key in " + keyPem + " does not belong to the first certificate in "
                + chainPem + " (the chain must start with the server's own certificate)");
    }

    private static String read(Path file) throws TlsSetupException {
        try {
            return Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new TlsSetupException(file + " does not exist", e);
        } catch (IOException e) {
            throw new TlsSetupException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
