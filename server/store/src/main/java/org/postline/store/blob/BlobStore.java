package org.postline.store.blob;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.postline.api.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Message contents as files: {@code <root>/<area>/<id>}, written first to {@code <root>/tmp} (never the shared
 * system temp directory) and moved into place atomically once synced. Files and directories are owner-only.
 */
public final class BlobStore {

    private static final Logger LOG = LoggerFactory.getLogger(BlobStore.class);
    /** Ids become file names, so only a safe alphabet is allowed. */
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    private final Path root;
    private final Path tmp;
    private final boolean posix;

    /** Creates the root and its tmp directory if needed. */
    public BlobStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.posix = this.root.getFileSystem().supportedFileAttributeViews().contains("posix");
        this.tmp = this.root.resolve("tmp");
        createDirectories(this.root);
        createDirectories(tmp);
    }

    public Path root() {
        return root;
    }

    /** Creates an area directory (e.g. {@code spool}) if needed. */
    public void createArea(String area) {
        createDirectories(areaDirectory(area));
    }

    /** A new, empty temporary blob. */
    public PendingBlob create() throws IOException {
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        return new PendingBlob(this, Files.createTempFile(tmp, "blob-", ".tmp", attributes));
    }

    public InputStream open(String area, String id) throws IOException {
        return new BufferedInputStream(Files.newInputStream(path(area, id)), 64 * 1024);
    }

    public long size(String area, String id) throws IOException {
        return Files.size(path(area, id));
    }

    /** Best effort: a file left behind is an orphan that {@link #sweep} removes at the next start. */
    public void delete(String area, String id) {
        try {
            Files.deleteIfExists(path(area, id));
        } catch (IOException e) {
            LOG.warn("Could not delete blob {}/{}; it will be removed at the next start", area, id, e);
        }
    }

    /** Deletes every temporary file (call only while no blob is being written); returns how many. */
    public int sweepTemporary() throws IOException {
        return deleteAll(tmp, name -> false);
    }

    /** Deletes the files of {@code area} that {@code keep} rejects (orphans); returns how many. */
    public int sweep(String area, Predicate<String> keep) throws IOException {
        return deleteAll(areaDirectory(area), keep);
    }

    Path path(String area, String id) {
        if (!SAFE_NAME.matcher(id).matches()) {
            throw new IllegalArgumentException("not a blob id: " + id);
        }
        return areaDirectory(area).resolve(id);
    }

    /** Moves a synced temporary file to its final name and syncs the directory so the name survives a crash. */
    void publish(Path temporary, String area, String id) throws IOException {
        Path target = path(area, id);
        if (Files.exists(target)) {
            throw new FileAlreadyExistsException(target.toString());
        }
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
        try {
            syncDirectory(target.getParent());
        } catch (IOException e) {
            Files.deleteIfExists(target);
            throw e;
        }
    }

    private Path areaDirectory(String area) {
        if (!SAFE_NAME.matcher(area).matches() || "tmp".equals(area)) {
            throw new IllegalArgumentException("not a blob area: " + area);
        }
        return root.resolve(area);
    }

    private int deleteAll(Path directory, Predicate<String> keep) throws IOException {
        int removed = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
            for (Path file : files) {
                if (Files.isRegularFile(file) && !keep.test(file.getFileName().toString())) {
                    try {
                        Files.delete(file);
                        removed++;
                    } catch (NoSuchFileException e) {
                        // gone already
                    }
                }
            }
        }
        return removed;
    }

    private static void syncDirectory(Path directory) throws IOException {
        if (WINDOWS) {
            return; // Windows cannot open a directory as a channel; NTFS journals the rename itself.
        }
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private void createDirectories(Path directory) {
        try {
            if (Files.isDirectory(directory)) {
                return;
            }
            if (posix) {
                Files.createDirectories(directory,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } else {
                Files.createDirectories(directory);
            }
        } catch (IOException e) {
            throw new StoreException("cannot create the blob directory " + directory + ": " + e.getMessage(), e);
        }
    }
}
