package org.postline.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code postline-bench ceiling --port 2600 --dir D}: serves the front-end ceiling harness until stopped. */
@Command(name = "ceiling", mixinStandardHelpOptions = true,
        description = "Serve James Protocols SMTP with a bare write-and-fsync hook (the front-end ceiling).")
final class CeilingCommand implements Callable<Integer> {

    @ParentCommand
    private Bench bench;

    @Option(names = "--host", defaultValue = "127.0.0.1")
    private String host;
    @Option(names = "--port", required = true)
    private int port;
    @Option(names = "--dir", required = true, description = "Messages are written here, one file each.")
    private Path directory;
    @Option(names = "--limit", defaultValue = "PT2H", description = "Stop by itself after this long.")
    private Duration limit;

    @Override
    public Integer call() throws IOException, InterruptedException {
        CountDownLatch stopped = new CountDownLatch(1);
        try (CeilingServer server = CeilingServer.start(host, port, directory)) {
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            bench.out().println("ceiling ready on " + server.address());
            stopped.await(limit.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        }
        return 0;
    }
}
