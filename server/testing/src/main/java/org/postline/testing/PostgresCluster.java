package org.postline.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A throwaway PostgreSQL cluster in a temporary directory, listening only on 127.0.0.1 at a free port, with
 * durability switched off (tests never need a crash-safe database, only a fast one). Run as root, the server
 * runs as the {@code postgres} system user, since PostgreSQL refuses to run as root.
 */
public final class PostgresCluster implements AutoCloseable {

    /** The superuser of the cluster; trust authentication on loopback, so no password. */
    public static final String USER = "postline";

    private final Path binaries;
    private final Path directory;
    private final int port;
    private final boolean asPostgresUser;
    private final AtomicInteger databases = new AtomicInteger();
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final Thread stopAtExit;

    private PostgresCluster(Path binaries, Path directory, int port, boolean asPostgresUser) {
        this.binaries = binaries;
        this.directory = directory;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
        this.stopAtExit = new Thread(this::stop, "postgres-test-cluster-stop");
    }

    /** The bin directory of the newest PostgreSQL under /usr/lib/postgresql, or $POSTLINE_PG_BIN. */
    public static Optional<Path> findBinaries() {
        String configured = System.getenv("POSTLINE_PG_BIN");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(bin -> Files.isExecutable(bin.resolve("initdb")));
        }
        Path root = Path.of("/usr/lib/postgresql");
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> versions = Files.list(root)) {
            return versions.map(version -> version.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl")))
                    .max(Comparator.comparingInt(PostgresCluster::majorVersion));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Creates and starts a cluster; the caller must {@link #close()} it. */
    public static PostgresCluster start(Path binaries) throws IOException, InterruptedException {
        boolean root = "root".equals(System.getProperty("user.name"));
        Path directory = Files.createTempDirectory("postline-pg-");
        if (root) {
            UserPrincipal postgres = directory.getFileSystem().getUserPrincipalLookupService()
                    .lookupPrincipalByName("postgres");
            Files.setOwner(directory, postgres);
        }
        IOException last = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            PostgresCluster cluster = new PostgresCluster(binaries, directory, freePort(), root);
            try {
                if (attempt == 0) {
                    cluster.initdb();
                }
                cluster.startServer();
                Runtime.getRuntime().addShutdownHook(cluster.stopAtExit);
                return cluster;
            } catch (IOException e) {
                last = e; // most likely someone took the port in between: try another one
            }
        }
        deleteTree(directory);
        throw last;
    }

    public int port() {
        return port;
    }

    /** A new, empty database on this cluster. */
    public TestDatabaseUrl createDatabase() {
        String name = "test_" + databases.incrementAndGet();
        try (Connection connection = DriverManager.getConnection(url("postgres"), USER, "");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create the test database " + name + ": " + e.getMessage(), e);
        }
        return new TestDatabaseUrl(url(name), USER);
    }

    @Override
    public void close() {
        stop();
        try {
            Runtime.getRuntime().removeShutdownHook(stopAtExit);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down and runs the hook itself
        }
    }

    private String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private void initdb() throws IOException, InterruptedException {
        run(List.of(binaries.resolve("initdb").toString(), "-D", data().toString(), "-U", USER, "--auth=trust",
                "-E", "UTF8", "--locale=C", "--no-sync", "--no-instructions"));
    }

    private void startServer() throws IOException, InterruptedException {
        String options = "-p " + port + " -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off"
                + " -c synchronous_commit=off -c full_page_writes=off -c max_connections=300 -c shared_buffers=32MB";
        run(List.of(binaries.resolve("pg_ctl").toString(), "-D", data().toString(), "-l",
                directory.resolve("server.log").toString(), "-w", "-t", "60", "-o", options, "start"));
    }

    private void stop() {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        try {
            run(List.of(binaries.resolve("pg_ctl").toString(), "-D", data().toString(), "-m", "immediate", "-w",
                    "stop"));
        } catch (IOException | InterruptedException e) {
            System.err.println("Could not stop the test PostgreSQL cluster in " + directory + ": " + e.getMessage());
        }
        try {
            deleteTree(directory);
        } catch (IOException e) {
            System.err.println("Could not delete the test PostgreSQL cluster in " + directory + ": " + e.getMessage());
        }
    }

    private Path data() {
        return directory.resolve("data");
    }

    private void run(List<String> command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgresUser) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Path output = Files.createTempFile("postline-pg-command", ".log");
        try {
            Process process = new ProcessBuilder(full).directory(directory.toFile())
                    .redirectErrorStream(true).redirectOutput(output.toFile()).start();
            if (!process.waitFor(90, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("timed out: " + String.join(" ", full));
            }
            if (process.exitValue() != 0) {
                throw new IOException(String.join(" ", full) + " exited with " + process.exitValue() + ":\n"
                        + Files.readString(output) + serverLog());
            }
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private String serverLog() {
        try {
            Path log = directory.resolve("server.log");
            return Files.exists(log) ? "\nserver log:\n" + Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static int majorVersion(Path bin) {
        try {
            return Integer.parseInt(bin.getParent().getFileName().toString());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
