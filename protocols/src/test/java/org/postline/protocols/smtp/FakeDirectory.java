package org.postline.protocols.smtp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.postline.api.directory.DirectoryException;
import org.postline.api.directory.Domains;
import org.postline.api.directory.RecipientRewrites;
import org.postline.api.directory.Rewrite;
import org.postline.api.directory.Users;

/** In-memory domains, users and rewrites for tests. */
final class FakeDirectory {

    static final String DEFAULT_DOMAIN = "example.org";

    final Domains domains = new Domains() {
        private final Set<String> names = ConcurrentHashMap.newKeySet();

        @Override
        public void add(String domain) {
            if (!names.add(domain.toLowerCase(Locale.ROOT))) {
                throw new DirectoryException("exists: " + domain);
            }
        }

        @Override
        public boolean remove(String domain) {
            return names.remove(domain.toLowerCase(Locale.ROOT));
        }

        @Override
        public boolean isLocal(String domain) {
            return names.contains(domain.toLowerCase(Locale.ROOT));
        }

        @Override
        public List<String> list() {
            return names.stream().sorted().toList();
        }
    };

    final Users users = new Users() {
        private final Map<String, String> passwords = new ConcurrentHashMap<>();

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
            boolean ok = expected != null && Arrays.equals(expected.toCharArray(), password);
            return ok ? Optional.of(address) : Optional.empty();
        }
    };

    final RecipientRewrites rewrites = new RecipientRewrites() {
        private final List<Rewrite> rules = new CopyOnWriteArrayList<>();

        @Override
        public void add(Rewrite rewrite) {
            rules.add(rewrite);
        }

        @Override
        public boolean remove(Rewrite rewrite) {
            return rules.remove(rewrite);
        }

        @Override
        public List<Rewrite> list() {
            return new ArrayList<>(rules);
        }

        @Override
        public List<Rewrite> forSource(String source) {
            return rules.stream().filter(rule -> rule.source().equals(source.toLowerCase(Locale.ROOT))).toList();
        }

        @Override
        public List<Rewrite> targeting(String address) {
            return rules.stream()
                    .filter(rule -> rule.kind() == Rewrite.Kind.ADDRESS && rule.target().equals(address.toLowerCase(Locale.ROOT)))
                    .toList();
        }
    };

    /** example.org and example.net are local; alice and bob exist; a few rewrite rules. */
    static FakeDirectory standard() {
        FakeDirectory directory = new FakeDirectory();
        directory.domains.add("example.org");
        directory.domains.add("example.net");
        directory.domains.add("catchall.example");
        directory.domains.add("alias-domain.example");
        directory.users.add("alice@example.org", "alice-secret".toCharArray());
        directory.users.add("bob@example.org", "bob-secret".toCharArray());
        directory.rewrites.add(new Rewrite(Rewrite.Kind.ADDRESS, "sales@example.org", "alice@example.org"));
        directory.rewrites.add(new Rewrite(Rewrite.Kind.CATCH_ALL, "catchall.example", "bob@example.org"));
        directory.rewrites.add(new Rewrite(Rewrite.Kind.DOMAIN, "alias-domain.example", "example.org"));
        return directory;
    }
}
