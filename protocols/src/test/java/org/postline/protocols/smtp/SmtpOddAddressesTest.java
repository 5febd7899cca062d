package org.postline.protocols.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Relay abuse through odd domains rather than odd local parts: IP literals, trailing dots, look-alike and
 * suffix domains, empty or malformed domains. None may be relayed for a client without relay rights, and
 * none may reach the spool.
 */
class SmtpOddAddressesTest {

    @TempDir
    Path var;

    private SmtpTestServer server;

    @BeforeEach
    void start() throws Exception {
        server = SmtpTestServer.builder(var).loopbackNotSecure().start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "victim@[127.0.0.1]",
        "victim@[IPv6:::1]",
        "victim@[IPv6:::ffff:127.0.0.1]",
        "postmaster@[127.0.0.1]",
        "victim@remote.example.",
        "victim%remote.example@example.org.",
        "victim@example.org.remote.example",
        "victim@remote.example.example",
        "victim@localhost",
        "victim@example.\u043erg",
        "victim%remote.example@EXAMPLE.ORG",
        "\"victim!remote.example\"@Example.Org",
        "victim@",
        "@",
        "victim",
        "victim@remote.example@example.org",
        "victim@[remote.example]",
        "victim@.example.org",
        "victim@example..org",
        "<victim@remote.example>",
        "victim@remote.example> <bob@example.org",
        "bob@example.org>,<victim@remote.example",
        "victim@remote.example\u0000@example.org",
    })
    void neverRelaysOddDomainsOrMalformedAddresses(String address) throws Exception {
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            assertThat(client.send("MAIL FROM:<someone@remote.example>")).startsWith("250");
            String reply = client.send("RCPT TO:<" + address + ">");
            assertThat(reply).matches("(550 5\\.7\\.1|553 5\\.1\\.3|501 5\\.1\\.3|501 5\\.5\\.[24]|550 5\\.1\\.1) .*");
            assertThat(client.send("DATA")).startsWith("503");
        }
        assertThat(server.spool.begun.get()).isZero();
    }

    @Test
    void localDomainsMatchWhateverTheCase() throws Exception {
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            assertThat(client.send("MAIL FROM:<someone@remote.example>")).startsWith("250");
            assertThat(client.send("RCPT TO:<bob@EXAMPLE.ORG>")).startsWith("250 2.1.5");
            assertThat(client.send("RCPT TO:<Bob@Example.Org>")).startsWith("250 2.1.5");
            assertThat(client.data("Subject: case\r\n\r\nx\r\n")).startsWith("250 2.0.0");
        }
        assertThat(server.spool.only().envelope().recipients()).allMatch(r -> r.endsWith("@example.org"));
    }

    @Test
    void aNullSenderMayNotRelayEither() throws Exception {
        try (SmtpClient client = server.connect()) {
            client.ehlo();
            assertThat(client.send("MAIL FROM:<>")).startsWith("250");
            assertThat(client.send("RCPT TO:<victim@remote.example>")).startsWith("550 5.7.1");
            assertThat(client.send("RCPT TO:<postmaster@remote.example>")).startsWith("550 5.7.1");
        }
        assertThat(server.spool.begun.get()).isZero();
    }
}
