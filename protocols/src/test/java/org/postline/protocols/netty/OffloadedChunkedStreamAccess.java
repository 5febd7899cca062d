package org.postline.protocols.netty;

/** Lets tests in other packages size messages around a stream's chunk. */
public final class OffloadedChunkedStreamAccess {

    private OffloadedChunkedStreamAccess() {
    }

    public static int chunkSize() {
        return OffloadedChunkedStream.CHUNK_SIZE;
    }
}
