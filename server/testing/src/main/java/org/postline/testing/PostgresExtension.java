package org.postline.testing;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test (constructor or method parameter) the one {@link PostgresCluster} of this test JVM, started on
 * first use and stopped when the test run ends. Without PostgreSQL binaries each such test is reported as
 * skipped with the reason, except under CI ({@code CI=true}), where that is a failure.
 */
public final class PostgresExtension implements ExecutionCondition, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PostgresExtension.class);

    /** Skips (with the reason) when PostgreSQL is missing, but lets the tests run, and fail, under CI. */
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (PostgresCluster.findBinaries().isPresent() || underCi()) {
            return ConditionEvaluationResult.enabled("PostgreSQL binaries found, or CI");
        }
        String message = missing(context) + " Skipped.";
        System.err.println("*** " + message);
        return ConditionEvaluationResult.disabled(message);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == PostgresCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context)
            throws ParameterResolutionException {
        return cluster(context);
    }

    private static PostgresCluster cluster(ExtensionContext context) {
        Optional<Path> binaries = PostgresCluster.findBinaries();
        if (binaries.isEmpty()) {
            throw new IllegalStateException(missing(context) + " Under CI (CI=true) this is a failure.");
        }
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent("cluster", key -> new Running(start(binaries.get())), Running.class)
                .cluster();
    }

    private static boolean underCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    private static String missing(ExtensionContext context) {
        return "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb, POSTLINE_PG_BIN unset): the"
                + " PostgreSQL tests of " + context.getRequiredTestClass().getSimpleName() + " cannot run."
                + " Install the postgresql package (apt-get install postgresql) to run them.";
    }

    private static PostgresCluster start(Path binaries) {
        try {
            return PostgresCluster.start(binaries);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("could not start a test PostgreSQL cluster from " + binaries + ": "
                    + e.getMessage(), e);
        }
    }

    /** Closes the cluster when JUnit closes the root store, at the end of the run. */
    private record Running(PostgresCluster cluster) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            cluster.close();
        }
    }
}
