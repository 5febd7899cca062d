package org.postline.protocols.imap;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.postline.api.directory.Users;

/** In-memory users for tests; {@link #fresh} makes a user no other test has touched. */
final class TestUsers implements Users {

    static final String DOMAIN = "example.org";

    /** A user's address and password. */
    record Account(String address, String password) {
    }

    private final Map<String, String> passwords = new ConcurrentHashMap<>();

    Account fresh(String prefix) {
        String address = prefix + "-" + UUID.randomUUID().toString().substring(0, 8) + "@" + DOMAIN;
        String password = "pw-" + UUID.randomUUID().toString().substring(0, 8);
        add(address, password.toCharArray());
        return new Account(address, password);
    }

    @Override
    public void add(String address, char[] password) {
        passwords.put(address.toLowerCase(Locale.ROOT), new String(password));
    }

    @Override
    public void changePassword(String address, char[] password) {
        passwords.put(address.toLowerCase(Locale.ROOT), new String(password));
    }

    @Override
    public boolean remove(String address) {
        return passwords.remove(address.toLowerCase(Locale.ROOT)) != null;
    }

    @Override
    public boolean exists(String address) {
        return passwords.containsKey(address.toLowerCase(Locale.ROOT));
    }

    @Override
    public List<String> list() {
        return passwords.keySet().stream().sorted().toList();
    }

    @Override
    public Optional<String> authenticate(String login, char[] password) {
        String address = (login.contains("@") ? login : login + "@" + DOMAIN).toLowerCase(Locale.ROOT);
        String expected = passwords.get(address);
        return expected != null && Arrays.equals(expected.toCharArray(), password) ? Optional.of(address) : Optional.empty();
    }
}
