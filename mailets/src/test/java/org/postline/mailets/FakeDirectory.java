package org.postline.mailets;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CopyOnWriteArraySet;

import org.postline.api.directory.DirectoryException;
import org.postline.api.directory.Domains;
import org.postline.api.directory.RecipientRewrites;
import org.postline.api.directory.Rewrite;
import org.postline.api.directory.Users;

/** In-memory users, domains and rewrite rules for tests; passwords are not kept. */
public final class FakeDirectory {

    public final FakeUsers users = new FakeUsers();
    public final FakeDomains domains = new FakeDomains();
    public final FakeRewrites rewrites = new FakeRewrites();

    public FakeDirectory domain(String... names) {
        for (String name : names) {
            domains.add(name);
        }
        return this;
    }

    public FakeDirectory user(String... addresses) {
        for (String address : addresses) {
            users.add(address, new char[0]);
        }
        return this;
    }

    public FakeDirectory rule(Rewrite.Kind kind, String source, String target) {
        rewrites.add(new Rewrite(kind, source, target));
        return this;
    }

    private static String lower(String value) {
        return value.toLowerCase(Locale.ROOT);
    }

    public static final class FakeUsers implements Users {
        private final Set<String> addresses = new CopyOnWriteArraySet<>();

        @Override
        public void add(String address, char[] password) {
            if (!addresses.add(lower(address))) {
                throw new DirectoryException("user exists: " + address);
            }
        }

        @Override
        public void changePassword(String address, char[] password) {
            if (!exists(address)) {
                throw new DirectoryException("no such user: " + address);
            }
        }

        @Override
        public boolean remove(String address) {
            return addresses.remove(lower(address));
        }

        @Override
        public boolean exists(String address) {
            return addresses.contains(lower(address));
        }

        @Override
        public List<String> list() {
            return List.copyOf(new TreeSet<>(addresses));
        }

        @Override
        public Optional<String> authenticate(String login, char[] password) {
            return Optional.empty();
        }
    }

    public static final class FakeDomains implements Domains {
        private final Set<String> names = new CopyOnWriteArraySet<>();

        @Override
        public void add(String domain) {
            if (!names.add(lower(domain))) {
                throw new DirectoryException("domain exists: " + domain);
            }
        }

        @Override
        public boolean remove(String domain) {
            return names.remove(lower(domain));
        }

        @Override
        public boolean isLocal(String domain) {
            return names.contains(lower(domain));
        }

        @Override
        public List<String> list() {
            return List.copyOf(new TreeSet<>(names));
        }
    }

    public static final class FakeRewrites implements RecipientRewrites {
        private final List<Rewrite> rules = new CopyOnWriteArrayList<>();

        @Override
        public void add(Rewrite rewrite) {
            if (rules.contains(rewrite)) {
                throw new DirectoryException("rule exists: " + rewrite);
            }
            rules.add(rewrite);
        }

        @Override
        public boolean remove(Rewrite rewrite) {
            return rules.remove(rewrite);
        }

        @Override
        public List<Rewrite> list() {
            return List.copyOf(rules);
        }

        @Override
        public List<Rewrite> forSource(String source) {
            List<Rewrite> matching = new ArrayList<>();
            for (Rewrite rule : rules) {
                if (rule.source().equals(lower(source))) {
                    matching.add(rule);
                }
            }
            return matching;
        }

        @Override
        public List<Rewrite> targeting(String address) {
            return rules.stream()
                .filter(rule -> rule.kind() == Rewrite.Kind.ADDRESS && rule.target().equals(lower(address)))
                .toList();
        }
    }
}
