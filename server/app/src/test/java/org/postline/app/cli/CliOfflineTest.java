package org.postline.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.StorageConfig;
import org.postline.app.cli.CliRunner.Result;
import org.postline.store.Store;

/** Every admin command with no server running: the command line opens the store itself. */
class CliOfflineTest {

    @TempDir
    Path dir;

    private Path home;
    private CliRunner cli;

    @BeforeEach
    void setUp() throws Exception {
        home = CliFixture.home(dir);
        cli = new CliRunner(home);
    }

    private static void assertOk(Result result, String... lines) {
        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err()).isEmpty();
        assertThat(result.outLines()).containsExactly(lines);
    }

    private static void assertFails(Result result, int code, String part) {
        assertThat(result.exitCode()).as(result.out() + result.err()).isEqualTo(code);
        assertThat(result.err()).startsWith("postline: ").contains(part).hasLineCount(1);
    }

    @Test
    void domains() {
        assertOk(cli.run("domain", "list"), "example.org");
        assertOk(cli.run("domain", "add", "Example.NET"), "Added domain example.net");
        assertOk(cli.run("domain", "list"), "example.net", "example.org");
        assertFails(cli.run("domain", "add", "example.net"), 1, "domain example.net already exists");
        assertFails(cli.run("domain", "add", "not a domain"), 1, "is not a valid domain name");
        assertOk(cli.run("domain", "remove", "example.net"), "Removed domain example.net");
        assertFails(cli.run("domain", "remove", "example.net"), 1, "no such domain: example.net");
        assertOk(cli.run("domain", "list"), "example.org");
    }

    @Test
    void users() {
        assertOk(cli.runWithInput("first secret\n", "user", "add", "alice@example.org"), "Added user alice@example.org");
        assertOk(cli.run("user", "list"), "alice@example.org");
        assertFails(cli.runWithInput("x\n", "user", "add", "alice@example.org"), 1, "user alice@example.org already exists");
        assertFails(cli.runWithInput("x\n", "user", "add", "bob@elsewhere.org"), 1, "does not exist");
        assertFails(cli.run("user", "add", "carol@example.org"), 1, "no password on standard input");
        assertOk(cli.runWithInput("second secret\r\n", "user", "passwd", "alice@example.org"),
                "Changed the password of alice@example.org");
        assertFails(cli.runWithInput("x\n", "user", "passwd", "nobody@example.org"), 1, "does not exist");
        assertOk(cli.run("user", "list", "example.org"), "alice@example.org");
        assertOk(cli.run("user", "list", "other.org"));

        try (Store store = openStore()) {
            assertThat(store.users().authenticate("alice@example.org", "second secret".toCharArray())).contains("alice@example.org");
            assertThat(store.users().authenticate("alice@example.org", "first secret".toCharArray())).isEmpty();
        }

        assertOk(cli.run("user", "remove", "alice@example.org"), "Removed user alice@example.org");
        assertFails(cli.run("user", "remove", "alice@example.org"), 1, "no such user: alice@example.org");
        assertOk(cli.run("user", "list"));
    }

    @Test
    void aliases() {
        assertOk(cli.runWithInput("pw\n", "user", "add", "alice@example.org"), "Added user alice@example.org");
        assertOk(cli.run("alias", "add", "info@example.org", "alice@example.org"),
                "Added address info@example.org -> alice@example.org");
        assertOk(cli.run("alias", "add", "--domain", "old.org", "example.org"), "Added domain old.org -> example.org");
        assertOk(cli.run("alias", "add", "--catch-all", "example.org", "alice@example.org"),
                "Added catch-all example.org -> alice@example.org");
        assertFails(cli.run("alias", "add", "info@example.org", "alice@example.org"), 1, "info@example.org");

        assertOk(cli.run("alias", "list"),
                "address info@example.org -> alice@example.org",
                "domain old.org -> example.org",
                "catch-all example.org -> alice@example.org");

        assertOk(cli.run("alias", "remove", "--domain", "old.org", "example.org"), "Removed domain old.org -> example.org");
        assertFails(cli.run("alias", "remove", "--domain", "old.org", "example.org"), 1, "no such alias");
        assertOk(cli.run("alias", "remove", "info@example.org", "alice@example.org"),
                "Removed address info@example.org -> alice@example.org");
        assertOk(cli.run("alias", "list"), "catch-all example.org -> alice@example.org");
    }

    @Test
    void usageErrorsAreOneLineWithExitCode2() {
        assertFails(cli.run("domain", "add"), 2, "Missing required parameter: 'DOMAIN'");
        assertFails(cli.run("frobnicate"), 2, "frobnicate");
        assertFails(cli.run("alias", "add", "--domain", "--catch-all", "a.org", "b.org"), 2, "mutually exclusive");
        // A password can never be given on the command line.
        assertFails(cli.run("user", "add", "alice@example.org", "--password", "x"), 2, "--password");
        Result none = cli.run();
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).startsWith("postline: a command is required");
    }

    @Test
    void configurationErrorsNameFileLineAndSetting() throws Exception {
        Path conf = home.resolve("conf/postline.xml");
        Files.writeString(conf, "<postline>\n<domains default='example.org'>\n<domain>exa mple.org</domain>\n</domains>\n</postline>");

        assertFails(cli.run("domain", "list"), 2, conf + ":3: domains/domain: \"exa mple.org\" is not a domain name");
        assertFails(cli.run("run"), 2, conf + ":3: domains/domain");
        assertFails(cli.run("--conf", home.resolve("missing.xml").toString(), "domain", "list"), 2, "missing.xml: file: not found");
    }

    @Test
    void confOptionAfterTheSubcommandIsHonoured() throws Exception {
        Path other = Files.writeString(dir.resolve("other.xml"),
                CliFixture.CONFIG.replace("example.org", "other.org"));
        assertOk(cli.run("domain", "list", "--conf", other.toString()), "other.org");
    }

    @Test
    void verboseShowsTheStackTrace() throws Exception {
        Files.writeString(home.resolve("conf/postline.xml"), "<postline><nope/></postline>");
        Result result = cli.run("--verbose", "domain", "list");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).contains("unknown element <nope>").contains("at org.postline.app");
    }

    private Store openStore() {
        Path var = home.resolve("var");
        return Store.open(new StorageConfig("jdbc:derby:" + var.resolve("derby") + ";create=true", Optional.empty(),
                Optional.empty(), 2, var.resolve("blobs")), "example.org");
    }
}
