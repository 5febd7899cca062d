package org.postline.container.auth;

import java.io.IOException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a DKIM signing key: an RSA private key in PEM, PKCS#8 ({@code BEGIN PRIVATE KEY}, what
 * {@code openssl genpkey} writes) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, older {@code openssl genrsa}).
 * A key file readable by everyone is refused; one readable by the group is accepted with a warning (a
 * {@code root:postline 0640} layout is common). Nothing about the key itself is ever logged.
 */
public final class DkimKeyFile {

    private static final Logger LOG = LoggerFactory.getLogger(DkimKeyFile.class);
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN (RSA )?PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END (RSA )?PRIVATE KEY-----");
    /** DER of AlgorithmIdentifier { rsaEncryption, NULL }, to wrap a PKCS#1 key as PKCS#8. */
    private static final byte[] RSA_ALGORITHM = {
        0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
    private static final int MIN_BITS = 1024;

    private DkimKeyFile() {
    }

    /** @throws IllegalArgumentException saying what is wrong with the file and how to fix it */
    public static RSAPrivateKey read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("DKIM key file " + file + " does not exist (or is not a file)");
        }
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException("DKIM key file " + file + " is not readable by the server's user");
        }
        checkPermissions(file);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalArgumentException("DKIM key file " + file + " cannot be read: " + e.getMessage(), e);
        }
        Matcher pem = PEM.matcher(text);
        if (!pem.find()) {
            throw new IllegalArgumentException("DKIM key file " + file + " holds no unencrypted PEM RSA private key"
                    + " (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY); make one with"
                    + " openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out " + file.getFileName());
        }
        RSAPrivateKey key;
        try {
            byte[] der = Base64.getMimeDecoder().decode(pem.group(2));
            byte[] pkcs8 = pem.group(1) != null ? wrapPkcs1(der) : der;
            key = (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("DKIM key file " + file + " does not hold a usable RSA private key");
        }
        if (key.getModulus().bitLength() < MIN_BITS) {
            throw new IllegalArgumentException("DKIM key file " + file + " holds a " + key.getModulus().bitLength()
                    + "-bit key; RFC 8301 requires at least 1024 bits (2048 recommended)");
        }
        return key;
    }

    private static void checkPermissions(Path file) {
        PosixFileAttributeView view = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (view == null) {
            return; // not a POSIX file system: nothing portable to check
        }
        Set<PosixFilePermission> permissions;
        try {
            permissions = view.readAttributes().permissions();
        } catch (IOException e) {
            throw new IllegalArgumentException("DKIM key file " + file + ": cannot read its permissions: " + e.getMessage(), e);
        }
        if (permissions.contains(PosixFilePermission.OTHERS_READ)) {
            throw new IllegalArgumentException("DKIM key file " + file + " is readable by every user; restrict it with"
                    + " chmod 600 " + file + " (or 640 with the server's group)");
        }
        if (permissions.contains(PosixFilePermission.GROUP_READ)) {
            LOG.warn("DKIM key file {} is readable by its group; chmod 600 unless the group is the server's alone", file);
        }
    }

    /** PrivateKeyInfo ::= SEQUENCE { version 0, AlgorithmIdentifier, OCTET STRING pkcs1 }. */
    private static byte[] wrapPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(RSA_ALGORITHM);
        body.write(0x04);
        writeLength(body, pkcs1.length);
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        writeLength(out, body.size());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
        } else if (length < 0x100) {
            out.write(0x81);
            out.write(length);
        } else if (length < 0x10000) {
            out.write(0x82);
            out.write(length >> 8);
            out.write(length & 0xff);
        } else {
            out.write(0x83);
            out.write(length >> 16);
            out.write((length >> 8) & 0xff);
            out.write(length & 0xff);
        }
    }
}
