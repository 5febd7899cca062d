package org.postline.app.cli;

import java.util.List;
import java.util.Optional;
import org.postline.app.Postline;
import org.postline.app.admin.AdminRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code postline user add|passwd|list|remove}. A password is asked for on the terminal, or read as the first
 * line of standard input when there is no terminal; it is never taken from the command line.
 */
@Command(name = "user", mixinStandardHelpOptions = true, description = "Manage mail users.")
public final class UserCommand {

    @ParentCommand
    private Postline root;

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = "Add a user of a local domain. The password is asked for twice on a terminal, or read "
                    + "as the first line of standard input.")
    int add(@Parameters(paramLabel = "ADDRESS", description = "e.g. alice@example.org") String address) {
        return root.admin(withPassword("add", address));
    }

    @Command(name = "passwd", mixinStandardHelpOptions = true,
            description = "Change a user's password (asked for twice on a terminal, or read as the first line of "
                    + "standard input).")
    int passwd(@Parameters(paramLabel = "ADDRESS") String address) {
        return root.admin(withPassword("passwd", address));
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the users' addresses, one per line; with DOMAIN only that domain's.")
    int list(@Parameters(paramLabel = "DOMAIN", arity = "0..1") String domain) {
        return root.admin(domain == null ? AdminRequest.of("user", "list") : AdminRequest.of("user", "list", domain));
    }

    @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove a user.")
    int remove(@Parameters(paramLabel = "ADDRESS") String address) {
        return root.admin(AdminRequest.of("user", "remove", address));
    }

    private AdminRequest withPassword(String verb, String address) {
        char[] password = root.terminal().readNewPassword(address);
        return new AdminRequest(List.of("user", verb, address), Optional.of(password));
    }
}
