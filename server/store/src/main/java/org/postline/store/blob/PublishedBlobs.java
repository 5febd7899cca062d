package org.postline.store.blob;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.function.Predicate;

/** Where a {@link BlobStore} keeps blobs once published: files in area directories, or database rows. */
interface PublishedBlobs {

    void createArea(String area);

    /** True for rows of the database, whose commit makes them durable: their temporary file needs no sync. */
    boolean inDatabase();

    /** Stores the temporary file (synced first, unless {@link #inDatabase()}) under {@code area/id}; fails if that name is taken. */
    void publish(Path temporary, String area, String id, long size) throws IOException;

    /** @throws java.nio.file.NoSuchFileException if there is no such blob */
    InputStream open(String area, String id) throws IOException;

    long size(String area, String id) throws IOException;

    void delete(String area, String id) throws IOException;

    /** Deletes the blobs of {@code area} that {@code keep} rejects (orphans); returns how many. */
    int sweep(String area, Predicate<String> keep) throws IOException;

    /** A short description for logs. */
    String describe();
}
