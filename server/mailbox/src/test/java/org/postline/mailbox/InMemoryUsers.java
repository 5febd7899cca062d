package org.postline.mailbox;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.postline.api.directory.DirectoryException;
import org.postline.api.directory.Users;

/** A plain-text user list for tests, with the directory's canonicalisation (lower case, default domain). */
final class InMemoryUsers implements Users {

    private final String defaultDomain;
    private final Map<String, char[]> passwords = new ConcurrentHashMap<>();

    InMemoryUsers(String defaultDomain) {
        this.defaultDomain = defaultDomain;
    }

    @Override
    public void add(String address, char[] password) {
        if (passwords.putIfAbsent(canonical(address), password.clone()) != null) {
            throw new DirectoryException("User exists: " + address);
        }
    }

    @Override
    public void changePassword(String address, char[] password) {
        if (passwords.replace(canonical(address), password.clone()) == null) {
            throw new DirectoryException("No such user: " + address);
        }
    }

    @Override
    public boolean remove(String address) {
        return passwords.remove(canonical(address)) != null;
    }

    @Override
    public boolean exists(String address) {
        return passwords.containsKey(canonical(address));
    }

    @Override
    public List<String> list() {
        return passwords.keySet().stream().sorted().toList();
    }

    @Override
    public Optional<String> authenticate(String login, char[] password) {
        String address = canonical(login);
        char[] expected = passwords.get(address);
        return expected != null && Arrays.equals(expected, password) ? Optional.of(address) : Optional.empty();
    }

    private String canonical(String login) {
        String lower = login.toLowerCase(Locale.ROOT);
        return lower.contains("@") ? lower : lower + "@" + defaultDomain;
    }
}
