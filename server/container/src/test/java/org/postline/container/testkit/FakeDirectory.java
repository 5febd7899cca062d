package org.postline.container.testkit;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.postline.api.directory.Domains;
import org.postline.api.directory.RecipientRewrites;
import org.postline.api.directory.Rewrite;
import org.postline.api.directory.Users;

/** Local domains, users and (empty) rewrites in memory. */
public final class FakeDirectory {

    private FakeDirectory() {
    }

    public static Domains domains(String... names) {
        Set<String> set = new TreeSet<>();
        for (String n : names) {
            set.add(n.toLowerCase(Locale.ROOT));
        }
        return new Domains() {
            @Override
            public void add(String domain) {
                set.add(domain.toLowerCase(Locale.ROOT));
            }

            @Override
            public boolean remove(String domain) {
                return set.remove(domain);
            }

            @Override
            public boolean isLocal(String domain) {
                return set.contains(domain.toLowerCase(Locale.ROOT));
            }

            @Override
            public List<String> list() {
                return List.copyOf(set);
            }
        };
    }

    public static Users users(String... addresses) {
        Set<String> set = new TreeSet<>(List.of(addresses));
        return new Users() {
            @Override
            public void add(String address, char[] password) {
                set.add(address);
            }

            @Override
            public void changePassword(String address, char[] password) {
            }

            @Override
            public boolean remove(String address) {
                return set.remove(address);
            }

            @Override
            public boolean exists(String address) {
                return set.contains(address);
            }

            @Override
            public List<String> list() {
                return List.copyOf(set);
            }

            @Override
            public Optional<String> authenticate(String login, char[] password) {
                return Optional.empty();
            }
        };
    }

    public static RecipientRewrites noRewrites() {
        return new RecipientRewrites() {
            @Override
            public void add(Rewrite rewrite) {
            }

            @Override
            public boolean remove(Rewrite rewrite) {
                return false;
            }

            @Override
            public List<Rewrite> list() {
                return List.of();
            }

            @Override
            public List<Rewrite> forSource(String source) {
                return List.of();
            }

            @Override
            public List<Rewrite> targeting(String address) {
                return List.of();
            }
        };
    }
}
