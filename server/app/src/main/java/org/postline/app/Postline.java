package org.postline.app;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.postline.api.config.ConfigException;
import org.postline.app.admin.AdminRequest;
import org.postline.app.admin.AdminResponse;
import org.postline.app.cli.AdminGateway;
import org.postline.app.cli.AliasCommand;
import org.postline.app.cli.CliException;
import org.postline.app.cli.DomainCommand;
import org.postline.app.cli.QueueCommand;
import org.postline.app.cli.RepoCommand;
import org.postline.app.cli.RunCommand;
import org.postline.app.cli.Terminal;
import org.postline.app.cli.UserCommand;
import org.postline.app.config.ConfigLoader;
import org.postline.app.config.LoadedConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The {@code postline} command: {@code run} starts the server in the foreground; {@code domain}, {@code user},
 * {@code alias}, {@code repo} and {@code queue} administer it, through the running server's admin socket or on
 * the store directly.
 * Exit codes: 0 done, 1 refused or failed, 2 wrong command line or configuration.
 */
@Command(name = "postline", mixinStandardHelpOptions = true, versionProvider = Postline.Version.class,
        description = "Postline mail server and its administration commands.",
        exitCodeListHeading = "Exit status:%n",
        exitCodeList = {"0:done", "1:refused or failed", "2:wrong command line or configuration"},
        subcommands = {RunCommand.class, DomainCommand.class, UserCommand.class, AliasCommand.class, RepoCommand.class,
                QueueCommand.class})
public final class Postline implements Callable<Integer> {

    /** The command line's own logging: warnings only, to standard error, no log file. */
    static final String CLI_LOGBACK = "org/postline/app/logback-cli.xml";
    private static final String REVERSE_LOOKUP_PROPERTY = "james.protocols.mdc.hostname";

    @Option(names = "--home", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "Postline home: conf/ and extensions/ are found here, and var/ unless postline.xml moves it"
                    + " (default: system property postline.home, else the current directory).")
    private Path home;

    @Option(names = "--conf", paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "The server configuration file. Default: <home>/conf/postline.xml")
    private Path conf;

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Show stack traces of errors.")
    private boolean verbose;

    private final Terminal terminal;
    private final boolean ownsProcess;

    /**
     * @param ownsProcess true when this is the process's main command: then it may set up logging and wait for
     *                    SIGTERM; false in tests
     */
    public Postline(Terminal terminal, boolean ownsProcess) {
        this.terminal = terminal;
        this.ownsProcess = ownsProcess;
    }

    public static void main(String[] args) {
        // James Protocols would look up every client's host name for its log context: a blocking reverse DNS
        // query per connection, on an I/O thread. Postline logs addresses; an explicit setting still wins.
        if (System.getProperty(REVERSE_LOOKUP_PROPERTY) == null) {
            System.setProperty(REVERSE_LOOKUP_PROPERTY, "false");
        }
        if (!isRunCommand(args)) {
            // Before any logger exists: administration commands must not write to the server's log file.
            System.setProperty("logback.configurationFile", CLI_LOGBACK);
        }
        int exitCode;
        try {
            exitCode = new Postline(Terminal.system(), true).execute(args);
        } catch (Throwable fatal) {
            // An Error (a jar missing from lib/, out of memory) must still end the process with one line.
            System.err.println("postline: " + fatal);
            exitCode = CliException.FAILED;
        }
        System.exit(exitCode);
    }

    /** Parses and runs one command line; returns the exit code. */
    public int execute(String... args) {
        return commandLine().execute(args);
    }

    private CommandLine commandLine() {
        CommandLine commandLine = new CommandLine(this);
        commandLine.setOut(new PrintWriter(terminal.out(), true));
        commandLine.setErr(new PrintWriter(terminal.err(), true));
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
            terminal.err().println("postline: " + describe(e));
            if (verbose) {
                e.printStackTrace(terminal.err());
            }
            return e instanceof CliException cli ? cli.exitCode() : CliException.FAILED;
        });
        commandLine.setParameterExceptionHandler((e, args) -> {
            terminal.err().println("postline: " + e.getMessage() + " (see: "
                    + e.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            return CliException.USAGE;
        });
        return commandLine;
    }

    private static boolean isRunCommand(String[] args) {
        try {
            CommandLine.ParseResult parsed = new CommandLine(new Postline(Terminal.system(), false)).parseArgs(args);
            return parsed.hasSubcommand() && parsed.subcommand().commandSpec().name().equals("run");
        } catch (CommandLine.ParameterException e) {
            return false;
        }
    }

    private static String describe(Exception e) {
        if (e instanceof CliException || e.getMessage() != null && !e.getMessage().isBlank()) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName();
    }

    /** Without a subcommand: say what there is. */
    @Override
    public Integer call() {
        terminal.err().println("postline: a command is required");
        new CommandLine(this).usage(terminal.err());
        return CliException.USAGE;
    }

    public Terminal terminal() {
        return terminal;
    }

    public boolean ownsProcess() {
        return ownsProcess;
    }

    public Path home() {
        Path chosen = home != null ? home : Path.of(System.getProperty("postline.home", "."));
        return chosen.toAbsolutePath().normalize();
    }

    public Path configFile() {
        return conf != null ? conf.toAbsolutePath().normalize() : home().resolve("conf").resolve("postline.xml");
    }

    /** @throws CliException (exit 2) naming file, line and setting when the configuration is wrong */
    public LoadedConfig loadConfig() {
        try {
            return ConfigLoader.forHome(home()).load(configFile());
        } catch (ConfigException e) {
            throw new CliException(CliException.USAGE, e.getMessage(), e);
        }
    }

    /** Runs an admin command through the server or on the store; prints its lines; fails on its error. */
    public int admin(AdminRequest request) {
        AdminResponse response = new AdminGateway(loadConfig().config()).execute(request);
        response.lines().forEach(terminal.out()::println);
        if (response.error().isPresent()) {
            throw new CliException(CliException.FAILED, response.error().get());
        }
        return 0;
    }

    /** Version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Postline.class.getPackage().getImplementationVersion();
            return new String[] {"postline " + (version == null ? "(development build)" : version)};
        }
    }
}
