package org.postline.app.cli;

import org.postline.app.Postline;
import org.postline.app.admin.AdminRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code postline domain add|list|remove}: the local domains. */
@Command(name = "domain", mixinStandardHelpOptions = true, description = "Manage the local domains.",
        subcommandsRepeatable = false)
public final class DomainCommand {

    @ParentCommand
    private Postline root;

    @Command(name = "add", mixinStandardHelpOptions = true, description = "Add a local domain: its mail is delivered here.")
    int add(@Parameters(paramLabel = "DOMAIN") String domain) {
        return root.admin(AdminRequest.of("domain", "add", domain));
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the local domains, one per line.")
    int list() {
        return root.admin(AdminRequest.of("domain", "list"));
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = "Remove a local domain (refused while users or aliases use it). A domain listed in "
                    + "postline.xml is added again at the next start.")
    int remove(@Parameters(paramLabel = "DOMAIN") String domain) {
        return root.admin(AdminRequest.of("domain", "remove", domain));
    }
}
