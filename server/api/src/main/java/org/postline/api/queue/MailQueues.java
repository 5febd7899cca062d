package org.postline.api.queue;

/**
 * Durable mail queues by name, each with the {@link Spool} contract. The incoming spool is the queue
 * {@value #SPOOL}; remote delivery keeps mail waiting for another server in {@value #OUTGOING}. A queue
 * exists once it is asked for; asking twice for a name gives the same instance (claims are held by it).
 */
public interface MailQueues {

    /** The incoming spool, the same instance the store hands out as its spool. */
    String SPOOL = "spool";

    /** The default queue of mail waiting for remote delivery. */
    String OUTGOING = "outgoing";

    /**
     * @param name letters, digits, '.', '_' or '-', at most 64 characters
     * @throws IllegalArgumentException if the name is not one
     */
    Spool queue(String name);
}
