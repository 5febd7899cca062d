package org.postline.app.server;

/** The server could not start (a port in use, the store locked); its message is one line for the console. */
public final class StartupException extends Exception {
    public StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
