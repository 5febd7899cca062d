package org.postline.app.cli;

import org.postline.app.Postline;
import org.postline.app.admin.AdminRequest;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code postline alias add|list|remove}: recipient rewrites. Without a flag SOURCE is an address
 * ({@code info@example.org -> alice@example.org}); {@code --domain} maps a whole domain onto another, and
 * {@code --catch-all} sends mail for unknown users of a domain to one address.
 */
@Command(name = "alias", mixinStandardHelpOptions = true, description = "Manage aliases, domain aliases and catch-alls.")
public final class AliasCommand {

    @ParentCommand
    private Postline root;

    /** At most one of --domain, --catch-all. */
    static final class Kind {
        @Option(names = "--domain", description = "SOURCE and TARGET are domains: u@SOURCE goes to u@TARGET.")
        boolean domain;

        @Option(names = "--catch-all", description = "SOURCE is a domain: mail to its unknown users goes to the TARGET address.")
        boolean catchAll;

        static String of(Kind kind) {
            if (kind == null) {
                return "address";
            }
            return kind.domain ? "domain" : kind.catchAll ? "catch-all" : "address";
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a rewrite, e.g. `alias add info@example.org alice@example.org`.")
    int add(@ArgGroup(exclusive = true, multiplicity = "0..1") Kind kind,
            @Parameters(index = "0", paramLabel = "SOURCE") String source,
            @Parameters(index = "1", paramLabel = "TARGET") String target) {
        return root.admin(AdminRequest.of("alias", "add", Kind.of(kind), source, target));
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List every rewrite, one per line: KIND SOURCE -> TARGET (KIND address, domain or catch-all).")
    int list() {
        return root.admin(AdminRequest.of("alias", "list"));
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a rewrite given as it was added.")
    int remove(@ArgGroup(exclusive = true, multiplicity = "0..1") Kind kind,
               @Parameters(index = "0", paramLabel = "SOURCE") String source,
               @Parameters(index = "1", paramLabel = "TARGET") String target) {
        return root.admin(AdminRequest.of("alias", "remove", Kind.of(kind), source, target));
    }
}
