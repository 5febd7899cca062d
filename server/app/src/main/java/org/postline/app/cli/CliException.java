package org.postline.app.cli;

/** A command failed; the message is printed as one line and the process exits with {@link #exitCode()}. */
public final class CliException extends RuntimeException {

    /** Refused or failed: the directory said no, the store failed, the server could not start. */
    public static final int FAILED = 1;
    /** The command line or the configuration is wrong. */
    public static final int USAGE = 2;

    private final int exitCode;

    public CliException(int exitCode, String message) {
        this(exitCode, message, null);
    }

    public CliException(int exitCode, String message, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
