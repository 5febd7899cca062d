package org.postline.app.cli;

import java.nio.file.Path;
import java.util.Optional;
import org.postline.api.config.StorageConfig;
import org.postline.store.Store;

/** Run in a second JVM by StoreLockedTest: holds a Derby store open until its standard input closes. */
public final class HoldStore {

    private HoldStore() {
    }

    public static void main(String[] args) throws Exception {
        Path var = Path.of(args[0]);
        try (Store store = Store.open(new StorageConfig("jdbc:derby:" + var.resolve("derby") + ";create=true",
                Optional.empty(), Optional.empty(), 1, var.resolve("blobs")), "example.org")) {
            System.out.println("ready");
            System.out.flush();
            while (System.in.read() != -1) {
                // wait for the test to close our input
            }
        }
    }
}
