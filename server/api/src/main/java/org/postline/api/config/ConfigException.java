package org.postline.api.config;

import java.nio.file.Path;

/**
 * A configuration the server refuses to start with. The message names the file, the line (0 when the
 * error is not tied to one) and the setting, so one line on the console tells the user what to fix:
 * {@code conf/postline.xml:12: listener/port: "abc" is not a port number}.
 */
public class ConfigException extends Exception {

    private final Path file;
    private final int line;
    private final String setting;

    public ConfigException(Path file, int line, String setting, String problem) {
        this(file, line, setting, problem, null);
    }

    public ConfigException(Path file, int line, String setting, String problem, Throwable cause) {
        super(file + (line > 0 ? ":" + line : "") + ": " + setting + ": " + problem, cause);
        this.file = file;
        this.line = line;
        this.setting = setting;
    }

    public Path file() {
        return file;
    }

    public int line() {
        return line;
    }

    public String setting() {
        return setting;
    }
}
