package org.postline.protocols.tls;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The out-of-the-box certificate: generated once with the JDK's own {@code keytool} (no extra crypto
 * library) into {@code var/tls/self-signed.p12} and reused until the host name changes. The file is
 * readable by the owner only; its store password is fixed because the file mode is what protects it.
 */
final class SelfSignedCertificate {

    private static final Logger LOGGER = LoggerFactory.getLogger(SelfSignedCertificate.class);
    private static final String FILE_NAME = "self-signed.p12";
    private static final String STORE_PASSWORD = "postline-self-signed";
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?");
    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");
    private static final long KEYTOOL_TIMEOUT_SECONDS = 120;

    private SelfSignedCertificate() {
    }

    static char[] storePassword() {
        return STORE_PASSWORD.toCharArray();
    }

    /** The keystore for {@code hostName} in {@code directory}, generated first if missing or for another name. */
    static Path ensure(String hostName, Path directory) throws TlsSetupException {
        if (!HOST_NAME.matcher(hostName).matches() && !IP_LITERAL.matcher(hostName).matches()) {
            throw new TlsSetupException("cannot make a certificate for host name '" + hostName + "': not a DNS name");
        }
        Path store = directory.resolve(FILE_NAME);
        try {
            createPrivateDirectory(directory);
            // Several listeners (threads here, or another process) may start at once: one generates, the
            // others then find its file. A file lock alone would throw within one JVM.
            synchronized (SelfSignedCertificate.class) {
                return ensureLocked(hostName, directory, store);
            }
        } catch (IOException e) {
            throw new TlsSetupException("cannot create a self-signed certificate in " + directory + ": " + e.getMessage(), e);
        }
    }

    private static Path ensureLocked(String hostName, Path directory, Path store) throws IOException, TlsSetupException {
        try (FileChannel lockFile = FileChannel.open(directory.resolve(".self-signed.lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.lock()) {
            if (!(Files.exists(store) && isFor(store, hostName))) {
                generate(hostName, store);
            }
            return store;
        }
    }

    private static boolean isFor(Path store, String hostName) {
        try (InputStream in = Files.newInputStream(store)) {
            KeyStore keyStore = KeyStore.getInstance("PKCS12");
            keyStore.load(in, storePassword());
            X509Certificate certificate = (X509Certificate) keyStore.getCertificate("postline");
            if (certificate == null) {
                return false;
            }
            certificate.checkValidity();
            String subject = certificate.getSubjectX500Principal().getName();
            boolean matches = subject.equalsIgnoreCase("CN=" + hostName);
            if (!matches) {
                LOGGER.info("self-signed certificate {} is for {}, not {}: generating a new one", store, subject, hostName);
            }
            return matches;
        } catch (Exception unusable) {
            LOGGER.warn("self-signed certificate {} is unusable ({}): generating a new one", store, unusable.toString());
            return false;
        }
    }

    private static void generate(String hostName, Path store) throws IOException, TlsSetupException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin",
                System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows") ? "keytool.exe" : "keytool");
        if (!Files.isExecutable(keytool)) {
            throw new TlsSetupException("cannot generate a self-signed certificate: " + keytool + " not found; "
                    + "configure a <tls> keystore or PEM key and chain for the listener in conf/postline.xml");
        }
        Path temporary = store.resolveSibling(FILE_NAME + ".tmp-" + UUID.randomUUID());
        String san = (IP_LITERAL.matcher(hostName).matches() ? "ip:" : "dns:") + hostName;
        List<String> command = new ArrayList<>(List.of(keytool.toString(), "-genkeypair", "-noprompt",
                "-alias", "postline", "-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA",
                "-validity", "3650", "-dname", "CN=" + hostName, "-ext", "SAN=" + san,
                "-storetype", "PKCS12", "-keystore", temporary.toString(),
                "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD));
        LOGGER.info("generating a self-signed certificate for {} into {}", hostName, store);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new TlsSetupException("keytool did not finish within " + KEYTOOL_TIMEOUT_SECONDS + " s");
            }
            if (process.exitValue() != 0 || !Files.exists(temporary)) {
                throw new TlsSetupException("keytool failed (exit " + process.exitValue() + "): "
                        + new String(output, StandardCharsets.UTF_8).trim());
            }
            restrictToOwner(temporary);
            try {
                Files.move(temporary, store, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temporary, store, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new TlsSetupException("interrupted while generating a self-signed certificate", e);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static void createPrivateDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            Files.createDirectories(directory);
            if (isPosix(directory)) {
                Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            }
        }
    }

    private static void restrictToOwner(Path file) throws IOException {
        if (isPosix(file)) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        }
    }

    private static boolean isPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
