package org.postline.store.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.postline.api.StoreException;
import org.postline.store.jdbc.Jdbc;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Message contents, held in memory while small and otherwise written to {@code <root>/tmp} (never the shared
 * system temp directory), then published under {@code <area>/<id>}: as a file moved into place atomically once synced, or as a row of the
 * {@code blobs} table (for a database every node shares). Files and directories are owner-only.
 */
public final class BlobStore {

    private static final Logger LOG = LoggerFactory.getLogger(BlobStore.class);
    /** Ids become file names, so only a safe alphabet is allowed. */
    /**
     * Content up to this size stays in memory while written, so a queue can commit it inside its own row.
     * 64 KiB holds most mail; a row that large still fits a few of Derby's 32 KiB pages (tables with long
     * columns) and PostgreSQL keeps it in TOAST, so neither database stores it worse than a file.
     */
    public static final int INLINE_LIMIT = 64 * 1024;
    /**
     * Free space kept on the local disk when mail is committed into the local database: Derby must never meet a
     * full disk in the middle of a log write (it stops answering rather than failing), so mail is refused first.
     */
    public static final long LOCAL_DISK_RESERVE = 16L * 1024 * 1024;
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Path root;
    private final Path tmp;
    private final boolean posix;
    private final PublishedBlobs published;
    /** The file system of {@link #root}, found once: finding it parses the mount table, per mail too dear. */
    private volatile FileStore rootStore;

    /** Blobs as files under {@code root}; creates the root and its tmp directory if needed. */
    public BlobStore(Path root) {
        this(root, null, null);
    }

    /** Blobs as rows of the {@code blobs} table; {@code root} only holds temporary files being written. */
    public BlobStore(Path root, Jdbc jdbc, Clock clock) {
        this.root = root.toAbsolutePath().normalize();
        this.posix = this.root.getFileSystem().supportedFileAttributeViews().contains("posix");
        this.tmp = this.root.resolve("tmp");
        createDirectories(this.root);
        createDirectories(tmp);
        this.published = jdbc == null ? new FileBlobs(this) : new DatabaseBlobs(jdbc, clock);
    }

    public Path root() {
        return root;
    }

    /** Where published blobs live, for logs. */
    public String location() {
        return published.describe();
    }

    /** Creates an area (e.g. {@code spool}) if needed. */
    public void createArea(String area) {
        published.createArea(area);
    }

    /** True when published blobs are database rows rather than files. */
    /**
     * Whether the local disk holding this store can take {@code bytes} more and still keep
     * {@link #LOCAL_DISK_RESERVE} free. An unreadable figure counts as room: the write itself will then tell.
     */
    public boolean hasRoomFor(long bytes) {
        try {
            FileStore store = rootStore;
            if (store == null) {
                store = Files.getFileStore(root);
                rootStore = store;
            }
            // The space is asked afresh each time: the store only remembers which file system to ask.
            return store.getUsableSpace() >= LOCAL_DISK_RESERVE + bytes;
        } catch (IOException e) {
            return true;
        }
    }

    public boolean inDatabase() {
        return published.inDatabase();
    }

    /** A new, empty blob; it takes a temporary file only once it outgrows {@link #INLINE_LIMIT}. */
    public PendingBlob create() throws IOException {
        return new PendingBlob(this, INLINE_LIMIT);
    }

    Path createTemporary() throws IOException {
        FileAttribute<?>[] attributes = posix
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"))}
                : new FileAttribute<?>[0];
        return Files.createTempFile(tmp, "blob-", ".tmp", attributes);
    }

    /** @throws NoSuchFileException if there is no such blob */
    public InputStream open(String area, String id) throws IOException {
        return published.open(area, id);
    }

    public long size(String area, String id) throws IOException {
        return published.size(area, id);
    }

    /** Best effort: a blob left behind is an orphan that {@link #sweep} removes at the next start. */
    public void delete(String area, String id) {
        try {
            published.delete(area, id);
        } catch (IOException e) {
            LOG.warn("Could not delete blob {}/{}; it will be removed at the next start", area, id, e);
        }
    }

    /** Deletes every temporary file (call only while no blob is being written); returns how many. */
    public int sweepTemporary() throws IOException {
        return deleteAll(tmp, name -> false);
    }

    /** Deletes the blobs of {@code area} that {@code keep} rejects (orphans); returns how many. */
    public int sweep(String area, Predicate<String> keep) throws IOException {
        return published.sweep(area, keep);
    }

    void publish(Path temporary, String area, String id, long size) throws IOException {
        published.publish(temporary, area, id, size);
    }

    void publish(byte[] content, String area, String id) throws IOException {
        if (!(published instanceof DatabaseBlobs rows)) {
            throw new IllegalStateException("blobs kept as files are published from a synced file");
        }
        rows.publish(content, area, id);
    }

    static String checkId(String id) {
        if (!SAFE_NAME.matcher(id).matches()) {
            throw new IllegalArgumentException("not a blob id: " + id);
        }
        return id;
    }

    static String checkArea(String area) {
        if (!SAFE_NAME.matcher(area).matches() || "tmp".equals(area)) {
            throw new IllegalArgumentException("not a blob area: " + area);
        }
        return area;
    }

    static int deleteAll(Path directory, Predicate<String> keep) throws IOException {
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

    void createDirectories(Path directory) {
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
