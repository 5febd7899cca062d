package org.postline.api.queue;

/**
 * Thrown by a mailet (directly, or as the cause of its {@code MessagingException}) when delivery to the
 * recipients still on the mail failed for a reason that may pass, such as a contended or unreachable
 * database. The spool keeps the mail with just those recipients and, after its retry delay, runs it again
 * from this mailet; recipients the mailet removed from the mail before throwing are done and are not
 * handed to it again. Once the spool's attempts are used up, the failure is handled like any other mailet
 * failure (the pair's {@code onMailetException}, by default the error processor).
 */
public class DeferredDelivery extends RuntimeException {
    public DeferredDelivery(String message, Throwable cause) {
        super(message, cause);
    }
}
