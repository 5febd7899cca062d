package org.postline.api.config;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where Postline keeps its state. The JDBC URL defaults to an embedded Derby under var/derby; the same code
 * runs on PostgreSQL. Message bodies live as files under {@code blobDirectory} or in the database
 * ({@code bodies}). The password is never logged.
 */
public record StorageConfig(
        String jdbcUrl,
        Optional<String> user,
        Optional<String> password,
        int poolSize,
        Path blobDirectory,
        BodyStorage bodies) {

    public StorageConfig {
        Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        Objects.requireNonNull(bodies, "bodies");
    }

    /** Bodies where {@link BodyStorage#defaultFor} puts them for this URL. */
    public StorageConfig(String jdbcUrl, Optional<String> user, Optional<String> password, int poolSize,
                         Path blobDirectory) {
        this(jdbcUrl, user, password, poolSize, blobDirectory, BodyStorage.defaultFor(jdbcUrl));
    }

    @Override
    public String toString() {
        return "StorageConfig[jdbcUrl=" + jdbcUrl + ", user=" + user + ", poolSize=" + poolSize
                + ", blobDirectory=" + blobDirectory + ", bodies=" + bodies
                + ", password=" + password.map(p -> "***").orElse("none") + "]";
    }
}
