package org.postline.app.cli;

import java.util.concurrent.Callable;
import org.postline.api.config.ConfigException;
import org.postline.app.Postline;
import org.postline.app.config.LoadedConfig;
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
}
