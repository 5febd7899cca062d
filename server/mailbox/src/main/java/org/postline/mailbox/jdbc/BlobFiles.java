package org.postline.mailbox.jdbc;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Message bodies as files named by their SHA-256 under {@code <root>/<first two hex digits>/<hash>}.
 * A file is written to {@code <root>/tmp}, forced to disk, then atomically renamed into place, so a
 * file under its final name is always complete. Reference counts live in the database ({@link BlobRefs}).
 */
final class BlobFiles {

    /** Hash and length of some content. */
    public record Digest(String hash, long size) {
    }

    /** Something that can be read again, as James's {@code Content} can. */
    @FunctionalInterface
    public interface Source {
        InputStream open() throws IOException;
    }

    private static final Logger LOGGER = LoggerFactory.getLogger(BlobFiles.class);
    private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
    private static final int BUFFER = 64 * 1024;

    private final Path root;
    private final Path tmp;

    BlobFiles(Path root) throws IOException {
        this.root = root.toAbsolutePath();
        this.tmp = this.root.resolve("tmp");
        Files.createDirectories(tmp);
    }

    public Path root() {
        return root;
    }

    /** Deletes temporary files older than {@code age}: writes that a crash interrupted. */
    public void deleteStaleTemporaryFiles(Duration age) throws IOException {
        Instant cutoff = Instant.now().minus(age);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(tmp, "*.tmp")) {
            for (Path file : files) {
                if (Files.getLastModifiedTime(file).toInstant().isBefore(cutoff)) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    public static Digest digest(Source source) throws IOException {
        MessageDigest sha256 = sha256();
        long size = 0;
        byte[] buffer = new byte[BUFFER];
        try (InputStream in = source.open()) {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                sha256.update(buffer, 0, n);
                size += n;
            }
        }
        return new Digest(HexFormat.of().formatHex(sha256.digest()), size);
    }

    public boolean exists(String hash) {
        return Files.isRegularFile(pathOf(hash));
    }

    public InputStream open(String hash) throws IOException {
        return Files.newInputStream(pathOf(hash));
    }

    /**
     * Writes the content under its hash, durably (file and directory entries forced to disk) before returning.
     * @throws IOException if the content read now does not hash to {@code expected}
     */
    public void write(Digest expected, Source source) throws IOException {
        Path target = pathOf(expected.hash());
        Path temp = tmp.resolve(UUID.randomUUID() + ".tmp");
        try {
            MessageDigest sha256 = sha256();
            long size;
            try (InputStream in = new DigestInputStream(source.open(), sha256);
                 FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 OutputStream out = Channels.newOutputStream(channel)) {
                size = in.transferTo(out);
                out.flush();
                channel.force(true);
            }
            String actual = HexFormat.of().formatHex(sha256.digest());
            if (!actual.equals(expected.hash()) || size != expected.size()) {
                throw new IOException("Message content changed while it was being stored");
            }
            if (!Files.isDirectory(target.getParent())) {
                Files.createDirectories(target.getParent());
                forceDirectory(root);
            }
            moveIntoPlace(temp, target);
            forceDirectory(target.getParent());
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Removes the file if present; the caller holds the database row that proves nobody refers to it. */
    public void delete(String hash) throws IOException {
        try {
            Files.delete(pathOf(hash));
        } catch (NoSuchFileException e) {
            LOGGER.debug("Blob {} was already gone", hash);
        }
    }

    Path pathOf(String hash) {
        if (!HASH.matcher(hash).matches()) {
            throw new IllegalArgumentException("Not a SHA-256 hex digest: " + hash);
        }
        return root.resolve(hash.substring(0, 2)).resolve(hash);
    }

    private static void moveIntoPlace(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // Makes the new directory entry durable; some platforms cannot open a directory, which we tolerate.
    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            LOGGER.debug("Could not force directory {} to disk", directory, e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
