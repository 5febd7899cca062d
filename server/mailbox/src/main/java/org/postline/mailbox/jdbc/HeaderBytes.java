package org.postline.mailbox.jdbc;

import java.io.IOException;

/** A stored message whose header bytes can be had without a copy (header parsing reads them per message). */
public interface HeaderBytes {

    /** The header as stored; shared, so callers must not change it. */
    byte[] headerBytes() throws IOException;
}
