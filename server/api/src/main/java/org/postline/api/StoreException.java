package org.postline.api;

/** The store itself failed (I/O, database); the request may succeed later. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
