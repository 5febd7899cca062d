package org.postline.store.blob;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.function.Predicate;

/** Published blobs as files {@code <root>/<area>/<id>}, moved into place atomically. */
final class FileBlobs implements PublishedBlobs {

    private static final boolean WINDOWS = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    private final BlobStore store;

    FileBlobs(BlobStore store) {
        this.store = store;
    }

    @Override
    public void createArea(String area) {
        store.createDirectories(areaDirectory(area));
    }

    @Override
    public boolean inDatabase() {
        return false;
    }

    /** Moves a synced temporary file to its final name and syncs the directory so the name survives a crash. */
    @Override
    public void publish(Path temporary, String area, String id, long size) throws IOException {
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

    @Override
    public InputStream open(String area, String id) throws IOException {
        return new BufferedInputStream(Files.newInputStream(path(area, id)), 64 * 1024);
    }

    @Override
    public long size(String area, String id) throws IOException {
        return Files.size(path(area, id));
    }

    @Override
    public void delete(String area, String id) throws IOException {
        Files.deleteIfExists(path(area, id));
    }

    @Override
    public int sweep(String area, Predicate<String> keep) throws IOException {
        return BlobStore.deleteAll(areaDirectory(area), keep);
    }

    @Override
    public String describe() {
        return store.root().toString();
    }

    Path path(String area, String id) {
        return areaDirectory(area).resolve(BlobStore.checkId(id));
    }

    private Path areaDirectory(String area) {
        return store.root().resolve(BlobStore.checkArea(area));
    }

    private static void syncDirectory(Path directory) throws IOException {
        if (WINDOWS) {
            return; // Windows cannot open a directory as a channel; NTFS journals the rename itself.
        }
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
