package org.postline.app.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.StorageConfig;
import org.postline.store.Store;

class AdminServerTest {

    @TempDir
    Path dir;

    private Store store;
    private AdminServer server;

    @BeforeEach
    void openStore() {
        store = Store.open(new StorageConfig("jdbc:derby:" + dir.resolve("db") + ";create=true", Optional.empty(),
                Optional.empty(), 2, dir.resolve("blobs")), "example.org");
        store.domains().add("example.org");
    }

    @AfterEach
    void close() {
        if (server != null) {
            server.close();
        }
        store.close();
    }

    private AdminCommands commands() {
        return new AdminCommands(store, KnownProcessors.unknown());
    }

    @Test
    void servesCommandsOnAnOwnerOnlySocket() throws Exception {
        Path var = dir.resolve("var");
        Path socket = var.resolve("admin.sock");
        Files.createDirectories(var);
        Files.setPosixFilePermissions(var, PosixFilePermissions.fromString("rwxr-xr-x"));

        server = AdminServer.start(socket, commands(), var);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(var))).isEqualTo("rwx------");
        AdminClient client = new AdminClient(socket);
        assertThat(client.send(new AdminRequest(List.of("user", "add", "bob@example.org"), Optional.of("pw 1".toCharArray()))))
                .contains(AdminResponse.ok(List.of("Added user bob@example.org")));
        assertThat(store.users().authenticate("bob@example.org", "pw 1".toCharArray())).contains("bob@example.org");
        assertThat(client.send(AdminRequest.of("domain", "add", "example.org")).orElseThrow().error())
                .contains("domain example.org already exists");
        assertThat(client.send(AdminRequest.of("frobnicate")).orElseThrow().error()).hasValueSatisfying(
                e -> assertThat(e).contains("unknown admin command"));

        server.close();
        server = null;
        assertThat(socket).doesNotExist();
        assertThat(client.send(AdminRequest.of("ping"))).isEmpty();
    }

    @Test
    void createsTheSocketDirectoryOwnerOnly() throws Exception {
        Path socket = dir.resolve("run/postline/admin.sock");
        server = AdminServer.start(socket, commands(), dir.resolve("var"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socket.getParent()))).isEqualTo("rwx------");
    }

    @Test
    void removesAStaleSocketButRefusesALiveOne() throws Exception {
        Path socket = dir.resolve("admin.sock");
        // A socket file whose server is gone: bound, then closed without deleting the file.
        try (ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            dead.bind(UnixDomainSocketAddress.of(socket));
        }
        assertThat(socket).exists();

        server = AdminServer.start(socket, commands(), dir);
        assertThat(new AdminClient(socket).send(AdminRequest.of("ping"))).contains(AdminResponse.ok(List.of("pong")));

        assertThatThrownBy(() -> AdminServer.start(socket, commands(), dir))
                .isInstanceOf(IOException.class).hasMessageContaining("another Postline server is already answering");
        assertThat(new AdminClient(socket).send(AdminRequest.of("ping"))).isPresent();
    }

    @Test
    void refusesToReplaceARegularFile() throws Exception {
        Path socket = Files.writeString(dir.resolve("admin.sock"), "not a socket");
        assertThatThrownBy(() -> AdminServer.start(socket, commands(), dir))
                .isInstanceOf(IOException.class).hasMessageContaining("is not a socket");
    }
}
