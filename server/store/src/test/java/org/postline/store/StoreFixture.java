package org.postline.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.postline.api.config.StorageConfig;
import org.postline.api.queue.DsnRequest;
import org.postline.api.queue.Envelope;
import org.postline.api.queue.SessionFacts;

/** A store configuration in a test's temporary directory, and sample envelopes. */
public final class StoreFixture {

    private StoreFixture() {
    }

    public static StorageConfig config(Path directory) {
        return new StorageConfig("jdbc:derby:" + directory.resolve("derby").toAbsolutePath() + ";create=true",
                Optional.empty(), Optional.empty(), 20, directory.resolve("blobs"));
    }

    public static Envelope envelope(String name, String... recipients) {
        return new Envelope(name, Optional.of("sender@example.net"), List.of(recipients), "root", Optional.empty(),
                Map.of(), SessionFacts.internal(), DsnRequest.none());
    }
}
