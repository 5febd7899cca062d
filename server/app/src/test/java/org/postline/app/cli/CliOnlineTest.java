package org.postline.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.StorageConfig;
import org.postline.app.admin.AdminCommands;
import org.postline.app.admin.AdminServer;
import org.postline.app.admin.KnownProcessors;
import org.postline.app.cli.CliRunner.Result;
import org.postline.store.Store;

/**
 * Every admin command while a server holds the store: the command line must go through the admin socket.
 * The serving store lives apart from the configured var/derby, so a command that opened the store itself
 * would show up as a var/derby directory and as missing changes.
 */
class CliOnlineTest {

    @TempDir
    Path dir;

    private Path home;
    private CliRunner cli;
    private Store serverStore;
    private AdminServer server;

    @BeforeEach
    void startServer() throws Exception {
        home = CliFixture.home(dir.resolve("home"));
        cli = new CliRunner(home);
        Path serverData = dir.resolve("server-data");
        serverStore = Store.open(new StorageConfig("jdbc:derby:" + serverData.resolve("derby") + ";create=true",
                Optional.empty(), Optional.empty(), 2, serverData.resolve("blobs")), "example.org");
        serverStore.domains().add("example.org");
        server = AdminServer.start(home.resolve("var/admin.sock"),
                new AdminCommands(serverStore, KnownProcessors.unknown()), home.resolve("var"));
    }

    @AfterEach
    void stopServer() {
        server.close();
        serverStore.close();
        assertThat(home.resolve("var/derby")).as("the command line never opened the store itself").doesNotExist();
    }

    private static void assertOk(Result result, String... lines) {
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.outLines()).containsExactly(lines);
    }

    private static void assertFails(Result result, String part) {
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.err()).startsWith("postline: ").contains(part).hasLineCount(1);
    }

    @Test
    void domainCommands() {
        // The server's answers (which RCPTs consult, and may keep in memory) follow the admin channel's changes.
        assertThat(serverStore.domains().isLocal("example.net")).isFalse();
        assertOk(cli.run("domain", "add", "example.net"), "Added domain example.net");
        assertThat(serverStore.domains().isLocal("example.net")).isTrue();
        assertOk(cli.run("domain", "list"), "example.net", "example.org");
        assertFails(cli.run("domain", "add", "example.net"), "already exists");
        assertOk(cli.run("domain", "remove", "example.net"), "Removed domain example.net");
        assertThat(serverStore.domains().isLocal("example.net")).isFalse();
        assertFails(cli.run("domain", "remove", "example.net"), "no such domain");
        assertThat(serverStore.domains().list()).containsExactly("example.org");
    }

    @Test
    void userCommands() {
        assertThat(serverStore.users().exists("alice@example.org")).isFalse();
        assertOk(cli.runWithInput("pass word\n", "user", "add", "alice@example.org"), "Added user alice@example.org");
        assertThat(serverStore.users().authenticate("alice@example.org", "pass word".toCharArray())).isPresent();
        assertThat(serverStore.users().exists("alice@example.org")).isTrue();
        assertOk(cli.runWithInput("new pass\n", "user", "passwd", "alice@example.org"), "Changed the password of alice@example.org");
        assertThat(serverStore.users().authenticate("alice@example.org", "new pass".toCharArray())).isPresent();
        assertOk(cli.run("user", "list"), "alice@example.org");
        assertFails(cli.runWithInput("x\n", "user", "add", "alice@example.org"), "already exists");
        assertOk(cli.run("user", "remove", "alice@example.org"), "Removed user alice@example.org");
        assertThat(serverStore.users().exists("alice@example.org")).isFalse();
        assertFails(cli.run("user", "remove", "alice@example.org"), "no such user");
        assertOk(cli.run("user", "list"));
    }

    @Test
    void aliasCommands() {
        assertThat(serverStore.rewrites().forSource("info@example.org")).isEmpty();
        assertOk(cli.run("alias", "add", "info@example.org", "bob@remote.example"),
                "Added address info@example.org -> bob@remote.example");
        assertThat(serverStore.rewrites().forSource("info@example.org")).hasSize(1);
        assertOk(cli.run("alias", "add", "--catch-all", "example.org", "bob@remote.example"),
                "Added catch-all example.org -> bob@remote.example");
        assertOk(cli.run("alias", "add", "--domain", "old.example", "example.org"), "Added domain old.example -> example.org");
        assertOk(cli.run("alias", "list"), "address info@example.org -> bob@remote.example",
                "domain old.example -> example.org", "catch-all example.org -> bob@remote.example");
        assertOk(cli.run("alias", "remove", "--catch-all", "example.org", "bob@remote.example"),
                "Removed catch-all example.org -> bob@remote.example");
        assertFails(cli.run("alias", "remove", "--catch-all", "example.org", "bob@remote.example"), "no such alias");
        assertThat(serverStore.rewrites().list()).hasSize(2);
    }
}
