package org.postline.api.config;

import java.nio.file.Path;

/** The admin channel: a Unix domain socket only the server's owner can open (mode 0600). */
public record AdminConfig(Path socket) {
}
