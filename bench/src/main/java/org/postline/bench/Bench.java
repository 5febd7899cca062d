package org.postline.bench;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code postline-bench}: load over real SMTP, IMAP and POP3 against any server ({@code run}), a server's
 * start-up time ({@code startup}), the front-end ceiling harness ({@code ceiling}), and the ratios of two
 * runs ({@code compare}).
 * Exit codes: 0 done, 1 a benchmark failed, 2 wrong command line.
 */
@Command(name = "postline-bench", mixinStandardHelpOptions = true,
        description = "Benchmarks a mail server over SMTP, IMAP and POP3 (loopback only in tests).",
        subcommands = {RunCommand.class, StartupCommand.class, CeilingCommand.class, CompareCommand.class})
public final class Bench implements Runnable {

    private final PrintStream out;
    private final PrintStream err;

    public Bench(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(new Bench(System.out, System.err).execute(args));
    }

    public int execute(String... args) {
        CommandLine commandLine = new CommandLine(this);
        commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
        commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        commandLine.setExecutionExceptionHandler((e, cl, parsed) -> {
            err.println("postline-bench: " + e.getMessage());
            if (parsed.hasMatchedOption("--verbose") || Boolean.getBoolean("postline.bench.verbose")) {
                e.printStackTrace(err);
            }
            return 1;
        });
        return commandLine.execute(args);
    }

    PrintStream out() {
        return out;
    }

    PrintStream err() {
        return err;
    }

    @Override
    public void run() {
        new CommandLine(this).usage(err);
    }
}
