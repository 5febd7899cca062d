package org.postline.api.directory;

/** A request the directory refuses (duplicate, unknown, malformed); its message is fit to show a user as is. */
public class DirectoryException extends RuntimeException {
    public DirectoryException(String message) {
        super(message);
    }
}
