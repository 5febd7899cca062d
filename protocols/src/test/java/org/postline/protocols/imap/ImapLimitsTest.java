package org.postline.protocols.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.ListenerConfig.TlsMode;
import org.postline.api.config.ListenerLimits;

/** Raw-socket tests of the limits against abuse: literals (CVE-2024-37358), lines, connections, logins, idling. */
class ImapLimitsTest {

    @TempDir
    static Path directory;

    private static ImapFixture fixture;
    private ImapListener server;

    @BeforeAll
    static void openStore() {
        fixture = new ImapFixture(directory);
    }

    @AfterAll
    static void closeStore() {
        fixture.close();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private ImapClient connect() throws Exception {
        return ImapClient.connect(server.boundAddress());
    }

    private static byte[] filler(int size) {
        byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte) 'x');
        return bytes;
    }

    private static ListenerLimits withMessageSize(long size) {
        ListenerLimits l = ImapFixture.testLimits();
        return new ListenerLimits(size, l.maxLineLength(), l.maxRecipients(), l.maxConnections(),
            l.maxConnectionsPerIp(), l.idleTimeout(), l.maxBadCommands(), l.authFailureDelay(), l.maxAuthFailures());
    }

    @Test
    void aLargeSynchronizingLiteralBeforeLoginIsRefusedWithoutBeingAskedFor() throws Exception {
        server = fixture.server().start();
        try (ImapClient client = connect()) {
            client.send("a1 LOGIN {100000}\r\n");
            assertThat(client.readLine()).startsWith("a1 NO [TOOBIG]");
            assertThat(client.status("NOOP")).contains(" OK ");
        }
    }

    @Test
    void aLargeNonSynchronizingLiteralBeforeLoginClosesTheConnection() throws Exception {
        server = fixture.server().start();
        try (ImapClient client = connect()) {
            client.send("a1 LOGIN {100000+}\r\n");
            client.send(filler(8192));
            assertThat(client.readLine()).startsWith("* BYE");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void smallLiteralsBeforeLoginStillWork() throws Exception {
        server = fixture.server().start();
        TestUsers.Account user = fixture.users.fresh("literal");
        try (ImapClient client = connect()) {
            byte[] name = user.address().getBytes(StandardCharsets.US_ASCII);
            client.send("a1 LOGIN {" + name.length + "}\r\n");
            assertThat(client.readLine()).startsWith("+");
            client.send(name);
            client.send(" {" + user.password().length() + "+}\r\n" + user.password() + "\r\n");
            assertThat(client.readUntilTagged("a1")).last().asString().startsWith("a1 OK");
        }
    }

    @Test
    void literalsBeforeLoginMayNotAddUpPastTheLimit() throws Exception {
        server = fixture.server().start();
        try (ImapClient client = connect()) {
            // Each literal is under 64 KiB; together they are not.
            client.send("a1 LOGIN {40000+}\r\n");
            client.send(filler(40000));
            client.send(" {40000+}\r\n");
            client.send(filler(40000));
            client.send("\r\n");
            assertThat(client.readUntil("* BYE")).last().asString().startsWith("* BYE");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void aCommandMayCarryOnlySoManyLiterals() throws Exception {
        server = fixture.server().imapLimits(new ImapLimits(64 * 1024, 1, Duration.ofMinutes(30))).start();
        TestUsers.Account user = fixture.users.fresh("search");
        try (ImapClient client = connect()) {
            client.login(user);
            assertThat(client.status("SELECT INBOX")).contains(" OK ");
            assertThat(client.status("SEARCH SUBJECT {1+}\r\nx")).contains(" OK ");
            client.send("a1 SEARCH SUBJECT {1+}\r\nx BODY {1+}\r\ny\r\n");
            assertThat(client.readUntil("* BYE")).last().asString().startsWith("* BYE Too many literals");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void severalNonSynchronizingLiteralsInOnePacketMakeOneCommand() throws Exception {
        server = fixture.server().start();
        TestUsers.Account user = fixture.users.fresh("plus");
        try (ImapClient client = connect()) {
            client.login(user);
            assertThat(client.status("SELECT INBOX")).contains(" OK ");
            client.send("a1 SEARCH SUBJECT {1+}\r\nx BODY {1+}\r\ny FROM {1+}\r\nz TO {2+}\r\nzz\r\n");
            assertThat(client.readUntilTagged("a1")).containsExactly("* SEARCH", "a1 OK SEARCH completed.");
            // Pipelined: two commands with literals, and one without, in one packet.
            client.send("a2 APPEND INBOX {20+}\r\nSubject: one\r\n\r\nbody\r\n"
                + "a3 SEARCH SUBJECT {3+}\r\none FROM {1+}\r\nz\r\na4 SEARCH SUBJECT {3+}\r\none\r\n");
            assertThat(client.readUntilTagged("a2")).last().asString().startsWith("a2 OK");
            assertThat(client.readUntilTagged("a3")).containsExactly("* SEARCH", "a3 OK SEARCH completed.");
            assertThat(client.readUntilTagged("a4")).containsExactly("* SEARCH 1", "a4 OK SEARCH completed.");
            assertThat(client.status("NOOP")).contains(" OK ");
        }
    }

    @Test
    void everySynchronizingLiteralIsAskedFor() throws Exception {
        server = fixture.server().start();
        TestUsers.Account user = fixture.users.fresh("sync");
        try (ImapClient client = connect()) {
            byte[] name = user.address().getBytes(StandardCharsets.US_ASCII);
            client.send("a1 LOGIN {" + name.length + "}\r\n");
            assertThat(client.readLine()).startsWith("+");
            client.send(name);
            client.send(" {" + user.password().length() + "}\r\n");
            assertThat(client.readLine()).startsWith("+");
            client.send(user.password() + "\r\n");
            assertThat(client.readUntilTagged("a1")).last().asString().startsWith("a1 OK");
        }
    }

    @Test
    void afterLoginTheLimitIsTheMessageSize() throws Exception {
        server = fixture.server().limits(withMessageSize(3 * 1024 * 1024)).start();
        TestUsers.Account user = fixture.users.fresh("big");
        // Larger than the pre-login limit and than what James keeps in memory (spooled to a file).
        byte[] body = filler(1536 * 1024);
        byte[] message = ("Subject: big\r\n\r\n" + new String(body, StandardCharsets.US_ASCII) + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
        try (ImapClient client = connect()) {
            client.login(user);
            client.send("a1 APPEND INBOX {" + message.length + "}\r\n");
            assertThat(client.readLine()).startsWith("+");
            client.send(message);
            client.send("\r\n");
            assertThat(client.readUntilTagged("a1")).last().asString().startsWith("a1 OK");

            client.send("a2 APPEND INBOX {" + (4 * 1024 * 1024) + "}\r\n");
            assertThat(client.readLine()).startsWith("a2 NO [TOOBIG]");
            assertThat(client.status("NOOP")).contains(" OK ");

            client.send("a3 APPEND INBOX {" + (4 * 1024 * 1024) + "+}\r\n");
            client.send(filler(8192));
            assertThat(client.readUntil("* BYE")).last().asString().startsWith("* BYE Literal too large");
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(fixture.messages(user.address(), "INBOX")).singleElement().isEqualTo(message);
    }

    @Test
    void aTooLongLineIsRejectedAndTheSessionGoesOn() throws Exception {
        server = fixture.server().start();
        try (ImapClient client = connect()) {
            client.send("a1 NOOP " + "x".repeat(3000) + "\r\n");
            assertThat(client.readLine()).startsWith("* BAD");
            assertThat(client.status("NOOP")).contains(" OK ");
        }
    }

    @Test
    void anythingButImapBeforeLoginEndsTheSession() throws Exception {
        server = fixture.server().start();
        try (ImapClient client = connect()) {
            // What a browser tricked into posting to the IMAP port sends.
            client.send("POST / HTTP/1.1\r\nHost: victim\r\nContent-Type: text/plain\r\n\r\na1 LOGIN x y\r\n");
            assertThat(client.readLine()).startsWith("* BYE");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void tooManyUnknownCommandsAfterLoginEndTheSession() throws Exception {
        server = fixture.server().start();
        TestUsers.Account user = fixture.users.fresh("garbage");
        try (ImapClient client = connect()) {
            client.login(user);
            for (int command = 1; command <= 5; command++) {
                assertThat(client.status("FOO" + command)).contains(" BAD ");
            }
            client.send("a6 FOO6\r\n");
            assertThat(client.readLine()).startsWith("* BYE");
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void plainLoginNeedsTlsOnAnInsecureChannel() throws Exception {
        server = fixture.server().tlsMode(TlsMode.STARTTLS).loopbackNotSecure().start();
        TestUsers.Account user = fixture.users.fresh("tls");
        try (ImapClient client = connect()) {
            assertThat(client.command("CAPABILITY").get(0)).contains(" LOGINDISABLED", " STARTTLS")
                .doesNotContain("AUTH=PLAIN");
            assertThat(client.status("LOGIN \"" + user.address() + "\" \"" + user.password() + "\"")).contains(" NO ");
            String plain = java.util.Base64.getEncoder().encodeToString(
                ("\0" + user.address() + "\0" + user.password()).getBytes(StandardCharsets.US_ASCII));
            assertThat(client.status("AUTHENTICATE PLAIN " + plain)).contains(" NO ");

            assertThat(client.startTls()).contains(" OK ");
            assertThat(client.command("CAPABILITY").get(0)).contains(" AUTH=PLAIN")
                .doesNotContain("LOGINDISABLED").doesNotContain("STARTTLS");
            client.login(user);
            assertThat(client.status("SELECT INBOX")).contains(" OK ");
        }
    }

    @Test
    void theStartTlsReplyIsSentOnceBeforeTheHandshake() throws Exception {
        server = fixture.server().tlsMode(TlsMode.STARTTLS).loopbackNotSecure().start();
        // The reply is written on the I/O thread while the command completes on a handler thread: a race
        // once sent it a second time inside TLS. Many handshakes make a lost race likely to show.
        for (int attempt = 0; attempt < 30; attempt++) {
            try (ImapClient client = connect()) {
                assertThat(client.startTls()).contains(" OK ");
                assertThat(client.command("NOOP")).singleElement().asString().contains(" OK ");
            }
        }
    }

    @Test
    void loopbackCountsAsSecureUnlessConfiguredOtherwise() throws Exception {
        server = fixture.server().tlsMode(TlsMode.STARTTLS).start();
        TestUsers.Account user = fixture.users.fresh("loop");
        try (ImapClient client = connect()) {
            assertThat(client.command("CAPABILITY").get(0)).contains(" AUTH=PLAIN").doesNotContain("LOGINDISABLED");
            client.login(user);
        }
    }

    @Test
    void commandsInjectedAfterStartTlsAreNotRun() throws Exception {
        server = fixture.server().tlsMode(TlsMode.STARTTLS).loopbackNotSecure().plainAuthWithoutTls().start();
        TestUsers.Account user = fixture.users.fresh("inject");
        try (ImapClient client = connect()) {
            client.send("a1 STARTTLS\r\na2 LOGIN \"" + user.address() + "\" \"" + user.password() + "\"\r\n");
            assertThat(client.readUntil("a2 ")).noneMatch(line -> line.startsWith("a2 OK"));
        }
    }

    @Test
    void connectionsOverTheLimitsGetAByeAndAreClosed() throws Exception {
        ListenerLimits l = ImapFixture.testLimits();
        server = fixture.server().limits(new ListenerLimits(l.maxMessageSize(), l.maxLineLength(), l.maxRecipients(),
            100, 2, l.idleTimeout(), l.maxBadCommands(), l.authFailureDelay(), l.maxAuthFailures())).start();
        try (ImapClient first = connect(); ImapClient second = connect(); ImapClient third = connect()) {
            assertThat(first.greeting).startsWith("* OK");
            assertThat(second.greeting).startsWith("* OK");
            assertThat(third.greeting).startsWith("* BYE Too many connections");
            assertThat(third.closedByServer()).isTrue();
            assertThat(first.status("NOOP")).contains(" OK ");
        }
    }

    @Test
    void aFailedLoginIsAnsweredAfterThePauseWithoutHoldingUpOthers() throws Exception {
        ListenerLimits l = ImapFixture.testLimits();
        server = fixture.server().limits(new ListenerLimits(l.maxMessageSize(), l.maxLineLength(), l.maxRecipients(),
            l.maxConnections(), l.maxConnectionsPerIp(), l.idleTimeout(), l.maxBadCommands(), Duration.ofSeconds(30),
            3)).start();
        TestUsers.Account user = fixture.users.fresh("honest");
        try (ImapClient guesser = connect(); ImapClient honest = connect()) {
            guesser.send("a1 LOGIN \"" + user.address() + "\" \"wrong\"\r\n");
            assertThat(guesser.silentFor(Duration.ofMillis(300))).isTrue();
            honest.login(user);
            assertThat(honest.status("SELECT INBOX")).contains(" OK ");
        }
    }

    @Test
    void closesTheConnectionAfterTooManyFailedLogins() throws Exception {
        ListenerLimits l = ImapFixture.testLimits();
        server = fixture.server().limits(new ListenerLimits(l.maxMessageSize(), l.maxLineLength(), l.maxRecipients(),
            l.maxConnections(), l.maxConnectionsPerIp(), l.idleTimeout(), l.maxBadCommands(), Duration.ofMillis(20),
            4)).start();
        TestUsers.Account user = fixture.users.fresh("guessed");
        try (ImapClient client = connect()) {
            for (int attempt = 1; attempt <= 3; attempt++) {
                assertThat(client.status("LOGIN \"" + user.address() + "\" \"wrong-" + attempt + "\"")).contains(" NO ");
            }
            String tag = client.nextTag();
            // The fourth failure ends the session; the command pipelined after it never runs.
            client.send(tag + " LOGIN \"" + user.address() + "\" \"wrong-4\"\r\nz1 LOGIN \"" + user.address()
                + "\" \"" + user.password() + "\"\r\n");
            assertThat(client.readUntilTagged(tag)).last().asString().contains(" NO ");
            assertThat(client.readLine()).startsWith("* BYE");
            assertThat(client.closedByServer()).isTrue();
        }
        try (ImapClient client = connect()) {
            client.login(user);
        }
    }

    @Test
    void idleConnectionsAreClosedSoonerBeforeLoginThanAfter() throws Exception {
        ListenerLimits l = ImapFixture.testLimits();
        server = fixture.server().limits(new ListenerLimits(l.maxMessageSize(), l.maxLineLength(), l.maxRecipients(),
                l.maxConnections(), l.maxConnectionsPerIp(), Duration.ofMillis(400), l.maxBadCommands(),
                l.authFailureDelay(), l.maxAuthFailures()))
            .imapLimits(new ImapLimits(64 * 1024, 64, Duration.ofSeconds(2))).start();
        TestUsers.Account user = fixture.users.fresh("idler");
        try (ImapClient anonymous = connect(); ImapClient loggedIn = connect()) {
            loggedIn.login(user);
            assertThat(anonymous.readLine()).startsWith("* BYE Autologout");
            assertThat(anonymous.closedByServer()).isTrue();
            assertThat(loggedIn.status("NOOP")).contains(" OK ");
            assertThat(loggedIn.readLine()).startsWith("* BYE Autologout");
            assertThat(loggedIn.closedByServer()).isTrue();
        }
    }
}
