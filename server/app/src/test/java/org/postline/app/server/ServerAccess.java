package org.postline.app.server;

import org.postline.store.Store;

/** Lets tests of other packages look into a running server's store. */
public final class ServerAccess {

    private ServerAccess() {
    }

    public static Store store(PostlineServer server) {
        return server.store();
    }
}
