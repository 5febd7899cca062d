package org.postline.mailets.mime;

/** The message cannot be taken apart safely: broken structure, or past one of the {@link MimeLimits}. */
public final class MalformedMimeException extends Exception {

    private static final long serialVersionUID = 1L;

    public MalformedMimeException(String message) {
        super(message);
    }

    public MalformedMimeException(String message, Throwable cause) {
        super(message, cause);
    }
}
