package org.postline.app.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.postline.app.Postline;
import org.postline.app.admin.AdminRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code postline repo list|show|delete|reprocess}: the mail repositories, where the pipeline parks mail for a
 * person to look at ({@code error}, {@code relay-denied}, ...).
 */
@Command(name = "repo", mixinStandardHelpOptions = true,
        description = "Inspect the mail repositories (error, relay-denied, ...), delete or reprocess their mails.")
public final class RepoCommand {

    @ParentCommand
    private Postline root;

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the repositories, one per line: NAME COUNT.")
    int list() {
        return root.admin(AdminRequest.of("repo", "list"));
    }

    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Show the mails of a repository, or one mail in detail.",
                    "Without ID: one line per mail, oldest first: ID STORED SENDER RECIPIENTS ERROR (STORED in UTC, "
                    + "<> for the null sender, recipients comma-separated, ERROR the first line of the error message "
                    + "or -).",
                    "With ID: Repository, Id, Stored, Size, Name, Sender, Recipients, State, Error, Remote address "
                    + "and Auth user, one \"Field: value\" line each, then a blank line and the message's header lines."})
    int show(@Parameters(index = "0", paramLabel = "NAME", description = "The repository, e.g. error.") String name,
             @Parameters(index = "1", paramLabel = "ID", arity = "0..1", description = "A mail's id, as `repo show NAME` lists it.")
             String id) {
        return root.admin(id == null ? AdminRequest.of("repo", "show", name) : AdminRequest.of("repo", "show", name, id));
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            customSynopsis = {"postline repo delete [-hV] [--verbose] [--conf=FILE] [--home=DIR]",
                    "                            NAME (ID | --all)"},
            description = "Delete one mail of a repository, or all of them with --all.")
    int delete(@Parameters(index = "0", paramLabel = "NAME", description = "The repository, e.g. error.") String name,
               @Parameters(index = "1", paramLabel = "ID", arity = "0..1", description = "The mail to delete.") String id,
               @Option(names = "--all", description = "Delete every mail in the repository.") boolean all) {
        return root.admin(AdminRequest.of("repo", "delete", name, target(id, all, "delete")));
    }

    @Command(name = "reprocess", mixinStandardHelpOptions = true,
            customSynopsis = {"postline repo reprocess [-hV] [--verbose] [--conf=FILE] [--home=DIR]",
                    "                               NAME (ID | --all) [--processor=STATE]"},
            description = {"Send one mail, or all with --all, through the pipeline again.",
                    "Each mail is put into the spool in the processor to run, and leaves the repository only once the "
                    + "spool holds it (a crash in between leaves it in both, never in neither). A running server "
                    + "takes it up at once; a stopped one at its next start."})
    int reprocess(@Parameters(index = "0", paramLabel = "NAME", description = "The repository, e.g. error.") String name,
                  @Parameters(index = "1", paramLabel = "ID", arity = "0..1", description = "The mail to reprocess.") String id,
                  @Option(names = "--all", description = "Reprocess every mail in the repository.") boolean all,
                  @Option(names = "--processor", paramLabel = "STATE",
                          description = "The processor to run the mail in, e.g. transport. Default: the processor the "
                                  + "mail was in when it was stored (for the error repository that is usually error "
                                  + "itself), or root. Refused when the pipeline has no such processor: the running "
                                  + "server's, or with the server stopped the pipeline file's.") String processor) {
        List<String> words = new ArrayList<>(List.of("repo", "reprocess", name, target(id, all, "reprocess")));
        if (processor != null) {
            words.addAll(List.of("--processor", processor));
        }
        return root.admin(new AdminRequest(words, Optional.empty()));
    }

    /** Exactly one of ID and --all. */
    private static String target(String id, boolean all, String command) {
        if ((id == null) == !all) {
            throw new CliException(CliException.USAGE, "give either a mail ID or --all (see: postline repo "
                    + command + " --help)");
        }
        return all ? "--all" : id;
    }
}
