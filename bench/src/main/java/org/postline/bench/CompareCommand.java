package org.postline.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code postline-bench compare --candidate postline.json --baseline postfix=pf.json --baseline ceiling=c.json}:
 * for every figure both runs have, the candidate's value, the baseline's, the ratio candidate/baseline, and the
 * target of issue #9 for that kind of baseline with whether it is met.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Print the ratios of a candidate run to one or more baseline runs, with the targets.")
final class CompareCommand implements Callable<Integer> {

    @ParentCommand
    private Bench bench;

    @Option(names = "--candidate", required = true)
    private Path candidate;
    @Option(names = "--baseline", required = true, description = "NAME=FILE; NAME postfix, ceiling or james "
            + "selects the targets.")
    private Map<String, Path> baselines;

    @Override
    public Integer call() throws IOException {
        Report mine = Report.readJson(candidate);
        PrintStream out = bench.out();
        for (Map.Entry<String, Path> baseline : baselines.entrySet()) {
            Report theirs = Report.readJson(baseline.getValue());
            out.printf("%n%s vs %s (ratio = %s / %s)%n", mine.about().getOrDefault("server", "candidate"),
                    baseline.getKey(), mine.about().getOrDefault("server", "candidate"), baseline.getKey());
            out.printf("%-62s %12s %12s %8s %10s %s%n", "benchmark", "candidate", baseline.getKey(), "ratio",
                    "target", "met");
            for (Result ours : mine.results()) {
                Optional<Result> match = theirs.results().stream().filter(r -> r.key().equals(ours.key())).findFirst();
                if (match.isEmpty() || match.get().value() == 0) {
                    continue;
                }
                double ratio = ours.value() / match.get().value();
                Optional<Target> target = Targets.of(baseline.getKey(), ours);
                out.printf(Locale.ROOT, "%-62s %12.2f %12.2f %8.2f %10s %s%n", ours.label(), ours.value(),
                        match.get().value(), ratio, target.map(Target::describe).orElse(""),
                        target.map(t -> t.met(ratio) ? "yes" : "NO").orElse(""));
            }
        }
        return 0;
    }

    /** A target ratio: at least {@code bound} for rates, at most {@code bound} for times. */
    record Target(double bound, boolean atLeast) {
        boolean met(double ratio) {
            return atLeast ? ratio >= bound : ratio <= bound;
        }

        String describe() {
            return (atLeast ? ">= " : "<= ") + String.format(Locale.ROOT, "%.2f", bound);
        }
    }

    /** The targets of issue #9, by the kind of baseline. */
    static final class Targets {
        private Targets() {
        }

        static Optional<Target> of(String baseline, Result result) {
            String key = result.key();
            String kind = baseline.toLowerCase(Locale.ROOT);
            if (kind.contains("ceiling")) {
                return key.startsWith("smtp.c20.") && key.endsWith(".accept")
                        ? Optional.of(new Target(0.6, true)) : Optional.empty();
            }
            if (kind.contains("james")) {
                // Ahead on every figure.
                return key.startsWith("client.") || key.endsWith(".clientcpu") ? Optional.empty()
                        : Optional.of(new Target(1.0, result.higherIsBetter()));
            }
            if (key.startsWith("smtp.c20.") && key.endsWith(".accept")) {
                return Optional.of(new Target(2.0, true));
            }
            if (key.startsWith("smtp.c20.") && key.endsWith(".delivered")) {
                return Optional.of(new Target(1.5, true));
            }
            if (key.startsWith("latency.")) {
                return Optional.of(new Target(1.2, false));
            }
            if (key.startsWith("imap.") && !key.equals("imap.login") && !key.equals("imap.append")) {
                return Optional.of(new Target(1.5, false));
            }
            if (key.startsWith("pop3.retr")) {
                return Optional.of(new Target(0.8, true));
            }
            return Optional.empty();
        }
    }
}
