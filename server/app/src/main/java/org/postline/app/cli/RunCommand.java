package org.postline.app.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;
import org.postline.api.config.ConfigException;
import org.postline.app.Postline;
import org.postline.app.config.LoadedConfig;
import org.postline.app.server.ClassDataArchive;
import org.postline.app.server.PostlineServer;
import org.postline.app.server.StartupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code postline run}: the server in the foreground, until SIGTERM or Ctrl-C. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the server in the foreground until SIGTERM or Ctrl-C; exit 0 after a clean stop.")
public final class RunCommand implements Callable<Integer> {

    @ParentCommand
    private Postline root;

    @Override
    public Integer call() throws InterruptedException {
        LoadedConfig loaded = root.loadConfig();
        if (root.ownsProcess() && System.getProperty("postline.var") == null) {
            // conf/logback.xml writes to ${postline.var}/logs; no logger exists yet, so this still counts.
            System.setProperty("postline.var", loaded.config().varDirectory().toString());
        }
        if (root.ownsProcess()) {
            privateTemporaryDirectory(loaded.config().varDirectory().resolve("tmp"));
        }
        TerminationSignal termination = new TerminationSignal();
        if (root.ownsProcess()) {
            termination.install();
        }
        PostlineServer server;
        try {
            server = PostlineServer.start(loaded, root.home());
        } catch (ConfigException e) {
            throw new CliException(CliException.USAGE, e.getMessage(), e);
        } catch (StartupException e) {
            throw new CliException(CliException.FAILED, e.getMessage(), e);
        }
        if (root.ownsProcess()) {
            ClassDataArchive.requested().ifPresent(ClassDataArchive::writeInBackground);
        }
        // Other ways the JVM may end (SIGHUP, System.exit elsewhere) still close the store cleanly.
        Thread hook = new Thread(server::close, "postline-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            termination.await();
        } finally {
            server.close();
        }
        return 0;
    }

    /**
     * Libraries spool large data to java.io.tmpdir (James's IMAP decoder, literals over 1 MiB); keep it in var/,
     * readable by the server's user only, rather than in the shared /tmp (CVE-2022-45935 in James).
     */
    private static void privateTemporaryDirectory(Path tmp) {
        try {
            Files.createDirectories(tmp);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwx------"));
            System.setProperty("java.io.tmpdir", tmp.toString());
        } catch (IOException | UnsupportedOperationException e) {
            throw new CliException(CliException.FAILED, "cannot prepare " + tmp + ": " + e.getMessage(), e);
        }
    }
}
