package org.postline.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code postline-bench startup --port 2525 --pid-file F --log F -- bin/postline run}: starts a server, prints
 * the milliseconds until its SMTP port greets, writes its pid and leaves it running.
 */
@Command(name = "startup", mixinStandardHelpOptions = true,
        description = "Start a server command, print the ms until its SMTP greeting, leave it running.")
final class StartupCommand implements Callable<Integer> {

    @ParentCommand
    private Bench bench;

    @Option(names = "--host", defaultValue = "127.0.0.1")
    private String host;
    @Option(names = "--port", required = true, description = "The server's SMTP port.")
    private int port;
    @Option(names = "--pid-file", required = true)
    private Path pidFile;
    @Option(names = "--log", required = true, description = "The server's output goes here.")
    private Path log;
    @Option(names = "--limit", defaultValue = "PT120S")
    private Duration limit;
    @Parameters(arity = "1..*", paramLabel = "COMMAND")
    private List<String> command;

    @Override
    public Integer call() throws IOException {
        ServerProcess.Started started = ServerProcess.start(command, log, host, port, limit);
        Files.writeString(pidFile, Long.toString(started.process().pid()));
        bench.out().println(String.format(Locale.ROOT, "%.1f", started.untilGreeting().toNanos() / 1e6));
        return 0;
    }
}
