package org.postline.api.directory;

import java.util.List;

/**
 * The local domains: mail for them is delivered here, never relayed. Names are compared case-insensitively
 * and stored in lower case.
 * <p>Contract: every method may throw {@link org.postline.api.StoreException} when the store fails; a caller may assume a
 * successful {@code add} is visible to every later {@code isLocal} in any thread.
 */
public interface Domains {

    /** @throws DirectoryException if the domain exists already or is not a valid domain name */
    void add(String domain);

    /** @return false if it was not there. @throws DirectoryException if users or aliases still use it */
    boolean remove(String domain);

    boolean isLocal(String domain);

    /** Sorted, lower case. */
    List<String> list();
}
