package org.postline.app.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.james.jdkim.DKIMSigner;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.app.config.ConfigLoader;
import org.postline.container.auth.DkimKeys;
import org.postline.container.dns.FakeDnsServer;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TXTRecord;

/**
 * The real server with the shipped pipeline, DNS answered by a fake server on loopback: SPF and DKIM results
 * reach the mailbox in Authentication-Results, DNS blocklists refuse, tag or (timing out) let through.
 * The shipped pipeline skips loopback clients; this test's copy checks them, since its client is on loopback.
 */
class AuthenticityFlowTest {

    private static final Path SHIPPED_PIPELINE = Path.of("../../conf/mailetcontainer.xml").toAbsolutePath().normalize();

    @TempDir
    Path home;

    private FakeDnsServer dns;
    private PostlineServer server;
    private DkimKeys keys;

    private static Name n(String name) throws IOException {
        return Name.fromString(name, Name.root);
    }

    private static List<Record> listed(String name) throws IOException {
        return List.of(new ARecord(n(name), DClass.IN, 300, InetAddress.getByName("127.0.0.2")));
    }

    @BeforeEach
    void start() throws Exception {
        keys = DkimKeys.generate();
        dns = new FakeDnsServer(Map.of(
                n("example.net"), List.of(new TXTRecord(n("example.net"), DClass.IN, 300, "v=spf1 ip4:127.0.0.1 -all")),
                n("forged.test"), List.of(new TXTRecord(n("forged.test"), DClass.IN, 300, "v=spf1 ip4:192.0.2.1 -all")),
                DkimKeys.keyName("s1", "example.net"), List.of(keys.txtRecord("s1", "example.net")),
                n("1.0.0.127.tag.test"), listed("1.0.0.127.tag.test"),
                n("1.0.0.127.block.test"), listed("1.0.0.127.block.test")));
        dns.ignore(n("1.0.0.127.slow.test"));

        String shipped = Files.readString(SHIPPED_PIPELINE);
        String loopback = "        <matcher match=\"RemoteAddrIsLoopback\"/>\n";
        assertThat(shipped).contains(loopback);
        String pipeline = shipped.replace(loopback, "").replace("      <mailet match=\"inbound\" class=\"SPF\"/>",
                "      <mailet match=\"DnsblListed=tag.test\" class=\"SetMimeHeader\">\n"
                        + "        <name>X-DNSBL</name><value>tag.test</value>\n      </mailet>\n"
                        + "      <mailet match=\"inbound\" class=\"SPF\"/>");
        Files.createDirectories(home.resolve("conf"));
        Files.writeString(home.resolve("conf/mailetcontainer.xml"), pipeline);
        Path file = Files.writeString(home.resolve("conf/postline.xml"), """
                <postline>
                  <hostname>mail.test</hostname>
                  <domains default="example.org"><domain>example.org</domain></domains>
                  <listeners>
                    <smtp name="mx" port="0" bind="127.0.0.1" tls="none" auth="optional">
                      <dnsbl timeout="300ms"><zone action="tag">tag.test</zone><zone>slow.test</zone></dnsbl>
                    </smtp>
                    <pop3 name="pop" port="0" bind="127.0.0.1" tls="none"/>
                    <smtp name="strict" port="0" bind="127.0.0.1" tls="none" auth="optional">
                      <dnsbl><zone action="reject">block.test</zone></dnsbl>
                    </smtp>
                  </listeners>
                  <dns timeout="2s"><resolver>127.0.0.1:%d</resolver></dns>
                </postline>
                """.formatted(dns.address().getPort()));
        server = PostlineServer.start(new ConfigLoader(home, Map.of(), "mail.test").load(file), home);
        server.store().users().add("alice@example.org", "alice-pw".toCharArray());
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        dns.close();
    }

    private String signed(String from, String body) throws Exception {
        String message = "From: Bob <" + from + ">\r\nTo: alice@example.org\r\nSubject: figures\r\n"
                + "Date: Mon, 1 Jan 2024 10:00:00 +0000\r\nMessage-ID: <" + body.hashCode() + "@example.net>\r\n\r\n"
                + body + "\r\n";
        String field = new DKIMSigner("v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.net; s=s1;"
                + " h=from:to:subject:date:message-id; bh=; b=;", keys.pair().getPrivate())
                .sign(new ByteArrayInputStream(message.getBytes(StandardCharsets.US_ASCII)));
        return field + "\r\n" + message;
    }

    @Test
    void resultsOfSpfDkimAndATaggingBlocklistReachTheMailbox() throws Exception {
        assertThat(send("mx", "bob@example.net", signed("bob@example.net", "The figures, as promised.")))
                .startsWith("250");
        String genuine = retrieve(1);
        assertThat(genuine).startsWith("Return-Path: <bob@example.net>\r\nDelivered-To: alice@example.org\r\n"
                + "Authentication-Results: mail.test; spf=pass smtp.mailfrom=bob@example.net;\r\n"
                + "\tdkim=pass header.d=example.net header.i=@example.net header.s=s1 header.b=");
        assertThat(genuine).contains("Received-SPF: pass (mail.test: domain of example.net designates 127.0.0.1",
                "X-DNSBL: tag.test\r\n", "\r\n\r\nThe figures, as promised.\r\n");

        // a forged envelope sender and a body changed after signing
        String tampered = signed("bob@example.net", "The figures, as promised.").replace("as promised", "as changed");
        assertThat(send("mx", "eve@forged.test", tampered)).startsWith("250");
        String forged = retrieve(2);
        assertThat(forged).contains("Authentication-Results: mail.test; spf=fail smtp.mailfrom=eve@forged.test;\r\n"
                + "\tdkim=fail (");
    }

    @Test
    void aClientOnARejectingBlocklistIsRefusedAtRcptNamingTheZone() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port("strict"))) {
            socket.setSoTimeout(20_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            assertThat(line(in)).startsWith("220");
            send(out, "HELO client.test");
            assertThat(line(in)).startsWith("250");
            send(out, "MAIL FROM:<bob@example.net>");
            assertThat(line(in)).startsWith("250");
            send(out, "RCPT TO:<alice@example.org>");
            assertThat(line(in)).isEqualTo("554 5.7.1 Service unavailable; client [127.0.0.1] is listed on block.test");
            send(out, "QUIT");
        }
        // an authenticated client is not looked up
        try (Socket socket = new Socket("127.0.0.1", port("strict"))) {
            socket.setSoTimeout(20_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            assertThat(line(in)).startsWith("220");
            send(out, "EHLO client.test");
            String ehlo;
            do {
                ehlo = line(in);
            } while (ehlo.startsWith("250-"));
            send(out, "AUTH PLAIN " + java.util.Base64.getEncoder().encodeToString(
                    "\0alice@example.org\0alice-pw".getBytes(StandardCharsets.US_ASCII)));
            assertThat(line(in)).startsWith("235");
            send(out, "MAIL FROM:<alice@example.org>");
            assertThat(line(in)).startsWith("250");
            send(out, "RCPT TO:<alice@example.org>");
            assertThat(line(in)).startsWith("250");
            send(out, "QUIT");
        }
        // the same client on the listener without that zone is served; its slow zone times out and lists nobody
        assertThat(send("mx", "bob@example.net", signed("bob@example.net", "Hello"))).startsWith("250");
    }

    private int port(String listener) {
        return server.listeners().stream().filter(l -> l.name().equals(listener)).findFirst().orElseThrow()
                .address().getPort();
    }

    /** One SMTP transaction; the reply to the end of DATA. */
    private String send(String listener, String from, String message) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port(listener))) {
            socket.setSoTimeout(20_000);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            assertThat(line(in)).startsWith("220");
            send(out, "HELO client.test");
            assertThat(line(in)).startsWith("250");
            send(out, "MAIL FROM:<" + from + ">");
            assertThat(line(in)).startsWith("250");
            send(out, "RCPT TO:<alice@example.org>");
            String rcpt = line(in);
            if (!rcpt.startsWith("250")) {
                return rcpt;
            }
            send(out, "DATA");
            assertThat(line(in)).startsWith("354");
            out.write(message.getBytes(StandardCharsets.US_ASCII));
            send(out, ".");
            String reply = line(in);
            send(out, "QUIT");
            return reply;
        }
    }

    /** Waits (bounded) until alice has {@code number} messages and returns that one. */
    private String retrieve(int number) throws Exception {
        for (int attempt = 0; attempt < 200; attempt++) {
            try (Socket socket = new Socket("127.0.0.1", port("pop"))) {
                socket.setSoTimeout(20_000);
                InputStream in = socket.getInputStream();
                OutputStream out = socket.getOutputStream();
                assertThat(line(in)).startsWith("+OK");
                send(out, "USER alice@example.org");
                assertThat(line(in)).startsWith("+OK");
                send(out, "PASS alice-pw");
                assertThat(line(in)).startsWith("+OK");
                send(out, "STAT");
                int count = Integer.parseInt(line(in).split(" ")[1]);
                if (count >= number) {
                    send(out, "RETR " + number);
                    assertThat(line(in)).startsWith("+OK");
                    StringBuilder message = new StringBuilder();
                    for (String l = line(in); !l.equals("."); l = line(in)) {
                        message.append(l.startsWith(".") ? l.substring(1) : l).append("\r\n");
                    }
                    send(out, "QUIT");
                    return message.toString();
                }
                send(out, "QUIT");
            }
            Thread.sleep(100);
        }
        throw new AssertionError("alice never had " + number + " messages");
    }

    private static void send(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.write(b);
        }
        if (b == -1) {
            throw new IOException("connection closed");
        }
        String text = line.toString(StandardCharsets.US_ASCII);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
    }
}
