package org.postline.container.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;

/**
 * A DKIM key pair made for one test: the private key as a PEM file, the public key as the TXT record to
 * publish. 1024 bits keeps the TXT answer within the 512 bytes the fake DNS server sends over UDP.
 */
public record DkimKeys(KeyPair pair) {

    public static DkimKeys generate() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        return new DkimKeys(generator.generateKeyPair());
    }

    /** The private key as PKCS#8 PEM in an owner-only file. */
    public Path writePkcs8(Path dir, String name) throws IOException {
        return write(dir, name, "PRIVATE KEY", pair.getPrivate().getEncoded());
    }

    /** The private key as PKCS#1 ("BEGIN RSA PRIVATE KEY"), the inner key of the JDK's PKCS#8 encoding. */
    public Path writePkcs1(Path dir, String name) throws IOException {
        byte[] pkcs8 = pair.getPrivate().getEncoded();
        // SEQUENCE(4) INTEGER 0 (3) AlgorithmIdentifier (15) OCTET STRING header (4): then the PKCS#1 key
        return write(dir, name, "RSA PRIVATE KEY", Arrays.copyOfRange(pkcs8, 26, pkcs8.length));
    }

    private static Path write(Path dir, String name, String label, byte[] der) throws IOException {
        Path file = dir.resolve(name);
        String pem = "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + label + "-----\n";
        Files.writeString(file, pem, StandardCharsets.US_ASCII);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** The key record for {@code selector._domainkey.domain}. */
    public Record txtRecord(String selector, String domain) throws IOException {
        String value = "v=DKIM1; k=rsa; p=" + Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
        List<String> strings = new ArrayList<>();
        for (int i = 0; i < value.length(); i += 255) {
            strings.add(value.substring(i, Math.min(value.length(), i + 255)));
        }
        return new TXTRecord(keyName(selector, domain), DClass.IN, 300, strings);
    }

    public static Name keyName(String selector, String domain) throws IOException {
        return Name.fromString(selector + "._domainkey." + domain, Name.root);
    }
}
