package org.postline.api.queue;

import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * A named, durable place where mail rests for a person to look at: {@code error}, {@code relay-denied}, ...
 * Every method may throw {@link org.postline.api.StoreException}.
 */
public interface MailRepository {

    String name();

    /** Stores a copy; returns its id in this repository. Synced before it returns. */
    String store(Envelope envelope, InputStream content);

    /** Oldest first. */
    List<SpooledMail> list();

    Optional<SpooledMail> get(String id);

    InputStream open(String id);

    boolean remove(String id);
}
