package org.postline.api.directory;

import java.util.List;
import java.util.Optional;

/**
 * Mail users. A user is named by a full address ({@code alice@example.org}) whose domain is local.
 * Passwords are kept only as a slow salted hash; they arrive as char arrays so callers can wipe them,
 * and are never logged.
 * <p>Contract: {@link #authenticate} takes about the same time whether the user exists or not.
 */
public interface Users {

    /** @throws DirectoryException if the user exists, the address is malformed or its domain is not local */
    void add(String address, char[] password);

    /** @throws DirectoryException if there is no such user */
    void changePassword(String address, char[] password);

    /** @return false if there was no such user */
    boolean remove(String address);

    boolean exists(String address);

    /** Sorted, lower case. */
    List<String> list();

    /**
     * @param login an address; a bare name is taken in the default domain
     * @return the canonical user address when the password matches
     */
    Optional<String> authenticate(String login, char[] password);
}
