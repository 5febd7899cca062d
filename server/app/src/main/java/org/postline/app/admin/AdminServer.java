package org.postline.app.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves admin commands on a Unix domain socket only the server's owner can use: the socket file is mode 0600
 * and its directory 0700 (set when Postline made the directory or owns it as var/). No TCP, no JMX.
 */
public final class AdminServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AdminServer.class);
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");

    private final Path socket;
    private final ServerSocketChannel channel;
    private final AdminCommands commands;
    private final ExecutorService workers;
    private final Thread acceptor;

    private AdminServer(Path socket, ServerSocketChannel channel, AdminCommands commands) {
        this.socket = socket;
        this.channel = channel;
        this.commands = commands;
        AtomicInteger count = new AtomicInteger();
        this.workers = Executors.newCachedThreadPool(r -> daemon(r, "postline-admin-" + count.incrementAndGet()));
        this.acceptor = daemon(this::acceptLoop, "postline-admin-accept");
    }

    /**
     * Binds the socket and starts serving. A socket file left by a server that died is removed first.
     *
     * @param ownedDirectory a directory Postline owns (var/): if it is the socket's directory, it is made 0700
     * @throws IOException if another server answers on that socket, or the socket cannot be bound
     */
    public static AdminServer start(Path socket, AdminCommands commands, Path ownedDirectory) throws IOException {
        Path directory = socket.toAbsolutePath().getParent();
        prepareDirectory(directory, ownedDirectory);
        removeStaleSocket(socket);
        ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.bind(UnixDomainSocketAddress.of(socket));
            Files.setPosixFilePermissions(socket, OWNER_ONLY_FILE);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        AdminServer server = new AdminServer(socket, channel, commands);
        server.acceptor.start();
        LOG.info("Admin channel listening on {}", socket);
        return server;
    }

    public Path socket() {
        return socket;
    }

    private static void prepareDirectory(Path directory, Path ownedDirectory) throws IOException {
        boolean created = !Files.isDirectory(directory);
        if (created) {
            Files.createDirectories(directory);
        }
        boolean owned = created || directory.equals(ownedDirectory.toAbsolutePath().normalize());
        Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(directory);
        boolean openToOthers = permissions.stream().anyMatch(p -> !OWNER_ONLY_DIR.contains(p));
        if (openToOthers && owned) {
            Files.setPosixFilePermissions(directory, OWNER_ONLY_DIR);
        } else if (openToOthers) {
            LOG.warn("The admin socket's directory {} is open to other users ({}); the socket itself is mode 0600",
                    directory, PosixFilePermissions.toString(permissions));
        }
    }

    private static void removeStaleSocket(Path socket) throws IOException {
        if (!Files.exists(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        if (Files.isRegularFile(socket, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.isDirectory(socket)) {
            throw new IOException(socket + " exists and is not a socket; remove it or choose another admin socket");
        }
        if (new AdminClient(socket).send(AdminRequest.of("ping")).isPresent()) {
            throw new IOException("another Postline server is already answering on " + socket);
        }
        Files.delete(socket);
        LOG.info("Removed the stale admin socket {}", socket);
    }

    private void acceptLoop() {
        while (channel.isOpen()) {
            try {
                SocketChannel connection = channel.accept();
                workers.execute(() -> serve(connection));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | java.util.concurrent.RejectedExecutionException e) {
                if (channel.isOpen()) {
                    LOG.warn("Admin channel: accept failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(SocketChannel connection) {
        try (connection; InputStream in = Channels.newInputStream(connection);
             OutputStream out = Channels.newOutputStream(connection)) {
            Optional<AdminRequest> request = AdminProtocol.readRequest(in);
            if (request.isEmpty()) {
                return;
            }
            String description = request.get().toString();
            List<String> words = request.get().words();
            AdminResponse response = commands.execute(request.get());
            // Changes are logged for the record; queries are not.
            if (!isQuery(words)) {
                LOG.info("Admin: {} -> {}", description, response.error().map(e -> "refused: " + e).orElse("done"));
            }
            AdminProtocol.writeResponse(response, out);
        } catch (IOException e) {
            LOG.warn("Admin channel: {}", e.getMessage());
        }
    }

    /** ping, and the list and show commands: they change nothing. */
    private static boolean isQuery(List<String> words) {
        return words.equals(List.of("ping"))
                || words.size() >= 2 && (words.get(1).equals("list") || words.get(1).equals("show"));
    }

    /** Stops accepting, lets running commands finish (briefly), removes the socket file. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            LOG.debug("Closing the admin socket", e);
        }
        workers.shutdown();
        try {
            if (!workers.awaitTermination(10, TimeUnit.SECONDS)) {
                workers.shutdownNow();
            }
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.warn("Could not remove the admin socket {}: {}", socket, e.getMessage());
        }
    }

    private static Thread daemon(Runnable task, String name) {
        Thread thread = new Thread(task, name);
        thread.setDaemon(true);
        return thread;
    }
}
