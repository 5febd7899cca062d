package org.postline.api.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Where Postline keeps its state. The JDBC URL defaults to an embedded Derby under var/derby; the same code
 * runs on PostgreSQL. Message bodies live as files under {@code blobDirectory}. The password is never logged.
 */
public record StorageConfig(
        String jdbcUrl,
        Optional<String> user,
        Optional<String> password,
        int poolSize,
        Path blobDirectory) {

    @Override
    public String toString() {
        return "StorageConfig[jdbcUrl=" + jdbcUrl + ", user=" + user + ", poolSize=" + poolSize
                + ", blobDirectory=" + blobDirectory + ", password=" + password.map(p -> "***").orElse("none") + "]";
    }
}
