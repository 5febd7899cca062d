package org.postline.protocols.pop3;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.postline.api.directory.Users;

/** In-memory users for tests; a bare login is taken in example.org. */
final class FakeUsers implements Users {

    static final String DEFAULT_DOMAIN = "example.org";

    private final Map<String, String> passwords = new ConcurrentHashMap<>();

    static FakeUsers standard() {
        FakeUsers users = new FakeUsers();
        users.add("alice@example.org", "alice-secret".toCharArray());
        users.add("bob@example.org", "bob-secret".toCharArray());
        users.add("carol@example.org", "p\u00e4ss w\u00f6rd".toCharArray());
        return users;
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
        String address = (login.contains("@") ? login : login + "@" + DEFAULT_DOMAIN).toLowerCase(Locale.ROOT);
        String expected = passwords.get(address);
        return expected != null && Arrays.equals(expected.toCharArray(), password) ? Optional.of(address) : Optional.empty();
    }
}
