package org.postline.protocols.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The transaction commands over a raw socket: numbering, deletion only at QUIT, UIDL, TOP, dot-stuffing. */
class Pop3CommandsTest {

    private static final String ALICE = "alice@example.org";

    @TempDir
    static Path var;

    private Pop3TestServer server;

    @BeforeEach
    void start() throws Exception {
        server = Pop3TestServer.builder(var).start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Pop3Client alice() throws Exception {
        Pop3Client client = server.connect();
        client.login(ALICE, "alice-secret");
        return client;
    }

    @Test
    void greetsWithoutAnApopTimestampAndListsCapabilities() throws Exception {
        try (Pop3Client client = server.connect()) {
            assertThat(client.greeting).isEqualTo("+OK pop.example.org POP3 ready");
            assertThat(client.sendMulti("CAPA")).containsExactly("+OK Capability list follows",
                    "TOP", "UIDL", "USER", "SASL PLAIN", "RESP-CODES", "AUTH-RESP-CODE", "PIPELINING");
            assertThat(client.send("APOP alice@example.org 0123456789abcdef0123456789abcdef")).isEqualTo("-ERR Unknown command");
        }
    }

    @Test
    void statListAndRetrDescribeTheMaildrop() throws Exception {
        server.append(ALICE, TestMessages.withDots());
        server.append(ALICE, TestMessages.eightBit());
        int first = TestMessages.withDots().length;
        int second = TestMessages.eightBit().length;
        try (Pop3Client client = alice()) {
            assertThat(client.send("STAT")).isEqualTo("+OK 2 " + (first + second));
            assertThat(client.sendMulti("LIST")).containsExactly("+OK 2 " + (first + second), "1 " + first, "2 " + second);
            assertThat(client.send("LIST 2")).isEqualTo("+OK 2 " + second);
            assertThat(client.send("LIST 3")).startsWith("-ERR");
            assertThat(client.send("NOOP")).startsWith("+OK");
            assertThat(client.sendForRawBody("RETR 2")).isEqualTo(TestMessages.eightBit());
        }
    }

    @Test
    void retrDotStuffsOnTheWire() throws Exception {
        server.append(ALICE, TestMessages.withDots());
        try (Pop3Client client = alice()) {
            String wire = new String(client.sendForRawBody("RETR 1"), StandardCharsets.US_ASCII);
            assertThat(wire).endsWith("\r\n\r\n..leading dot\r\n...two dots\r\n..\r\nmiddle line\r\n.. space\r\nlast line\r\n");
        }
    }

    @Test
    void retrSendsBareLineFeedsAsCrlfAndStillStuffsDots() throws Exception {
        server.append(ALICE, "Subject: lf\n\nfirst\n.\n.dot\nlast".getBytes(StandardCharsets.US_ASCII));
        try (Pop3Client client = alice()) {
            assertThat(new String(client.sendForRawBody("RETR 1"), StandardCharsets.US_ASCII))
                    .isEqualTo("Subject: lf\r\n\r\nfirst\r\n..\r\n..dot\r\nlast\r\n");
        }
    }

    @Test
    void retrSendsALargeMessageWhole() throws Exception {
        ByteArrayOutputStream big = new ByteArrayOutputStream();
        big.writeBytes("Subject: big\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        for (int i = 0; i < 20_000; i++) {
            big.writeBytes(((i % 7 == 0 ? "." : "") + "line " + i + " of a large message\r\n").getBytes(StandardCharsets.US_ASCII));
        }
        byte[] message = big.toByteArray();
        server.append(ALICE, message);
        try (Pop3Client client = alice()) {
            List<String> lines = client.sendMulti("RETR 1");
            String unstuffed = String.join("\r\n", lines.subList(1, lines.size())) + "\r\n";
            assertThat(unstuffed.getBytes(StandardCharsets.US_ASCII)).isEqualTo(message);
            assertThat(client.send("NOOP")).startsWith("+OK");
        }
    }

    @Test
    void topSendsTheHeadersAndTheFirstLines() throws Exception {
        server.append(ALICE, TestMessages.simple("top", 5));
        try (Pop3Client client = alice()) {
            assertThat(client.sendMulti("TOP 1 2")).containsExactly("+OK Message follows",
                    "From: sender@remote.example", "To: alice@example.org", "Subject: top", "",
                    "body line 1", "body line 2");
            assertThat(client.sendMulti("TOP 1 0")).endsWith("Subject: top", "");
            assertThat(client.send("TOP 1 -1")).startsWith("-ERR");
            assertThat(client.send("TOP 1")).startsWith("-ERR");
        }
    }

    @Test
    void refusesMessageNumbersOutOfRange() throws Exception {
        server.append(ALICE, TestMessages.simple("only", 1));
        try (Pop3Client client = alice()) {
            assertThat(client.send("RETR 0")).isEqualTo("-ERR No such message");
            assertThat(client.send("DELE -1")).isEqualTo("-ERR No such message");
            assertThat(client.send("UIDL 2")).isEqualTo("-ERR No such message");
            assertThat(client.send("RETR x")).startsWith("-ERR Usage");
            assertThat(client.send("STAT")).isEqualTo("+OK 1 " + TestMessages.simple("only", 1).length);
        }
    }

    @Test
    void deletesOnlyAtQuit() throws Exception {
        server.append(ALICE, TestMessages.simple("one", 1));
        server.append(ALICE, TestMessages.simple("two", 1));
        try (Pop3Client client = alice()) {
            assertThat(client.send("DELE 1")).startsWith("+OK");
            assertThat(client.send("DELE 1")).startsWith("-ERR");
            assertThat(client.send("RETR 1")).startsWith("-ERR");
            assertThat(client.send("STAT")).startsWith("+OK 1 ");
            assertThat(client.sendMulti("LIST")).hasSize(2).last().asString().startsWith("2 ");
            assertThat(server.messages(ALICE)).hasSize(2);
            assertThat(client.send("QUIT")).startsWith("+OK pop.example.org POP3 server signing off");
            assertThat(client.closedByServer()).isTrue();
        }
        assertThat(server.messages(ALICE)).hasSize(1);
        assertThat(new String(server.messages(ALICE).get(0), StandardCharsets.US_ASCII)).contains("Subject: two");
    }

    @Test
    void aDroppedConnectionDeletesNothing() throws Exception {
        server.append(ALICE, TestMessages.simple("keep me", 1));
        try (Pop3Client client = alice()) {
            assertThat(client.send("DELE 1")).startsWith("+OK");
        }
        server.awaitUnlocked(ALICE);
        try (Pop3Client again = alice()) {
            assertThat(again.send("STAT")).startsWith("+OK 1 ");
        }
        assertThat(server.messages(ALICE)).hasSize(1);
    }

    @Test
    void rsetUnmarksDeletionsAndKeepsTheNumbering() throws Exception {
        server.append(ALICE, TestMessages.simple("one", 1));
        server.append(ALICE, TestMessages.simple("two", 1));
        try (Pop3Client client = alice()) {
            assertThat(client.send("DELE 1")).startsWith("+OK");
            server.append(ALICE, TestMessages.simple("arrived during the session", 1));
            assertThat(client.send("RSET")).startsWith("+OK");
            assertThat(client.send("STAT")).startsWith("+OK 2 ");
            assertThat(client.sendMulti("TOP 1 0")).contains("Subject: one");
            assertThat(client.send("QUIT")).startsWith("+OK");
        }
        assertThat(server.messages(ALICE)).hasSize(3);
    }

    @Test
    void uidlIsStableAcrossSessions() throws Exception {
        server.append(ALICE, TestMessages.simple("one", 1));
        server.append(ALICE, TestMessages.simple("two", 1));
        List<String> before;
        try (Pop3Client client = alice()) {
            before = client.sendMulti("UIDL");
            assertThat(before).hasSize(3);
            assertThat(before.get(1)).matches("1 \\d+-\\d+");
            assertThat(before.get(2)).matches("2 \\d+-\\d+").isNotEqualTo("2 " + before.get(1).substring(2));
            assertThat(client.send("UIDL 2")).isEqualTo("+OK " + before.get(2));
            assertThat(client.send("DELE 1")).startsWith("+OK");
            assertThat(client.send("QUIT")).startsWith("+OK");
        }
        try (Pop3Client client = alice()) {
            assertThat(client.sendMulti("UIDL")).containsExactly("+OK unique-id listing follows",
                    "1 " + before.get(2).substring(2));
        }
    }

    @Test
    void createsAMissingInbox() throws Exception {
        try (Pop3Client client = server.connect()) {
            client.login("bob@example.org", "bob-secret");
            assertThat(client.send("STAT")).isEqualTo("+OK 0 0");
            assertThat(client.sendMulti("LIST")).containsExactly("+OK 0 0");
        }
    }

    @Test
    void aSecondSessionOnTheSameMaildropIsInUse() throws Exception {
        try (Pop3TestServer secondPort = Pop3TestServer.builder(var).sharing(server).start();
             Pop3Client first = alice();
             Pop3Client second = secondPort.connect()) {
            assertThat(second.send("USER alice@example.org")).startsWith("+OK");
            assertThat(second.send("PASS alice-secret")).isEqualTo("-ERR [IN-USE] Maildrop already in use by another session");
            assertThat(first.send("QUIT")).startsWith("+OK");
            assertThat(first.closedByServer()).isTrue();
            second.login(ALICE, "alice-secret");
            assertThat(second.send("STAT")).isEqualTo("+OK 0 0");
        }
    }

    @Test
    void quitBeforeLoginSignsOff() throws Exception {
        try (Pop3Client client = server.connect()) {
            assertThat(client.send("STAT")).isEqualTo("-ERR Command not valid in this state");
            assertThat(client.send("QUIT")).startsWith("+OK");
            assertThat(client.closedByServer()).isTrue();
        }
    }
}
