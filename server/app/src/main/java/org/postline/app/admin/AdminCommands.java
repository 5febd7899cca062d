package org.postline.app.admin;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.postline.api.StoreException;
import org.postline.api.directory.DirectoryException;
import org.postline.api.directory.Domains;
import org.postline.api.directory.RecipientRewrites;
import org.postline.api.directory.Rewrite;
import org.postline.api.directory.Users;
import org.postline.api.queue.Spool;
import org.postline.store.Store;

/**
 * Carries out admin requests against the directory, the mail repositories and the queues. The same code serves
 * the admin socket of a running server and the command line when it opens the store itself, so both behave alike.
 */
public final class AdminCommands {

    private final Domains domains;
    private final Users users;
    private final RecipientRewrites rewrites;
    private final RepositoryAdmin repositories;
    private final QueueAdmin queues;

    /**
     * @param processors the processors {@code repo reprocess} may send mail to: the running pipeline's in a
     *                   server, the pipeline file's (or unknown) on a stopped one
     */
    public AdminCommands(Store store, KnownProcessors processors) {
        this(store, store.spool(), processors);
    }

    /** @param spool where {@code repo reprocess} puts mail: the running server's spool (a broker's, if any) */
    public AdminCommands(Store store, Spool spool, KnownProcessors processors) {
        this.domains = store.domains();
        this.users = store.users();
        this.rewrites = store.rewrites();
        this.repositories = new RepositoryAdmin(store.repositories(), spool, processors);
        this.queues = new QueueAdmin(new QueueBrowser(store.dataSource()), Clock.systemUTC());
    }

    /** Never throws for a bad request or a refused change: those become the response's error. */
    public AdminResponse execute(AdminRequest request) {
        try {
            return AdminResponse.ok(dispatch(request));
        } catch (DirectoryException e) {
            return AdminResponse.failed(e.getMessage());
        } catch (RefusedRequest e) {
            return new AdminResponse(e.doneBefore(), Optional.of(e.getMessage()));
        } catch (StoreException e) {
            return AdminResponse.failed("the store failed: " + e.getMessage());
        } catch (IllegalArgumentException e) {
            // The store's own check of a name (a repository or queue name it cannot hold).
            return AdminResponse.failed(String.valueOf(e.getMessage()));
        } finally {
            request.wipe();
        }
    }

    private List<String> dispatch(AdminRequest request) {
        List<String> w = request.words();
        if (!w.isEmpty() && w.get(0).equals("repo")) {
            return repositories.execute(w);
        }
        if (!w.isEmpty() && w.get(0).equals("queue")) {
            return queues.execute(w);
        }
        String command = w.size() >= 2 ? w.get(0) + " " + w.get(1) : String.join(" ", w);
        return switch (command) {
            case "ping" -> List.of("pong");
            case "domain add" -> {
                domains.add(arg(w, 2, 3, "domain add DOMAIN"));
                yield List.of("Added domain " + w.get(2).toLowerCase(Locale.ROOT));
            }
            case "domain list" -> {
                arity(w, 2, "domain list");
                yield domains.list();
            }
            case "domain remove" -> {
                if (!domains.remove(arg(w, 2, 3, "domain remove DOMAIN"))) {
                    throw new DirectoryException("no such domain: " + w.get(2));
                }
                yield List.of("Removed domain " + w.get(2).toLowerCase(Locale.ROOT));
            }
            case "user add" -> {
                users.add(arg(w, 2, 3, "user add ADDRESS"), secret(request));
                yield List.of("Added user " + w.get(2).toLowerCase(Locale.ROOT));
            }
            case "user passwd" -> {
                users.changePassword(arg(w, 2, 3, "user passwd ADDRESS"), secret(request));
                yield List.of("Changed the password of " + w.get(2).toLowerCase(Locale.ROOT));
            }
            case "user list" -> userList(w);
            case "user remove" -> {
                if (!users.remove(arg(w, 2, 3, "user remove ADDRESS"))) {
                    throw new DirectoryException("no such user: " + w.get(2));
                }
                yield List.of("Removed user " + w.get(2).toLowerCase(Locale.ROOT));
            }
            case "alias add" -> {
                Rewrite rewrite = rewrite(w, "alias add");
                rewrites.add(rewrite);
                yield List.of("Added " + describe(rewrite));
            }
            case "alias list" -> {
                arity(w, 2, "alias list");
                yield rewrites.list().stream().map(AdminCommands::describe).toList();
            }
            case "alias remove" -> {
                Rewrite rewrite = rewrite(w, "alias remove");
                if (!rewrites.remove(rewrite)) {
                    throw new DirectoryException("no such alias: " + describe(rewrite));
                }
                yield List.of("Removed " + describe(rewrite));
            }
            default -> throw new RefusedRequest("unknown admin command: " + command);
        };
    }

    private List<String> userList(List<String> w) {
        if (w.size() > 3) {
            throw new RefusedRequest("usage: user list [DOMAIN]");
        }
        List<String> all = users.list();
        if (w.size() == 2) {
            return all;
        }
        String suffix = "@" + w.get(2).toLowerCase(Locale.ROOT);
        List<String> matching = new ArrayList<>();
        for (String user : all) {
            if (user.endsWith(suffix)) {
                matching.add(user);
            }
        }
        return matching;
    }

    /** Words: alias add|remove KIND SOURCE TARGET, KIND one of address, domain, catch-all. */
    private static Rewrite rewrite(List<String> w, String usage) {
        if (w.size() != 5) {
            throw new RefusedRequest("usage: " + usage + " address|domain|catch-all SOURCE TARGET");
        }
        Rewrite.Kind kind = switch (w.get(2)) {
            case "address" -> Rewrite.Kind.ADDRESS;
            case "domain" -> Rewrite.Kind.DOMAIN;
            case "catch-all" -> Rewrite.Kind.CATCH_ALL;
            default -> throw new RefusedRequest("unknown alias kind " + w.get(2) + ": expected address, domain or catch-all");
        };
        return new Rewrite(kind, w.get(3), w.get(4));
    }

    /** One rule as the command line shows it: "address info@example.org -> alice@example.org". */
    public static String describe(Rewrite rewrite) {
        String kind = switch (rewrite.kind()) {
            case ADDRESS -> "address";
            case DOMAIN -> "domain";
            case CATCH_ALL -> "catch-all";
        };
        return kind + " " + rewrite.source() + " -> " + rewrite.target();
    }

    private static char[] secret(AdminRequest request) {
        return request.secret().filter(s -> s.length > 0)
                .orElseThrow(() -> new RefusedRequest("a non-empty password is required"));
    }

    private static String arg(List<String> w, int index, int size, String usage) {
        arity(w, size, usage);
        return w.get(index);
    }

    private static void arity(List<String> w, int size, String usage) {
        if (w.size() != size) {
            throw new RefusedRequest("usage: " + usage);
        }
    }
}
