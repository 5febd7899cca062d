package org.postline.protocols.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;
import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.Session;
import javax.mail.Store;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.ListenerConfig;
import org.postline.protocols.pop3.Pop3Context;
import org.postline.protocols.pop3.Pop3Listener;

/**
 * A message as LocalDelivery stores it, read over IMAP and then over POP3 from the same store: the same bytes.
 * (The SMTP leg, through the spool and LocalDelivery, is the application's end-to-end test.)
 */
class ImapAndPop3Test {

    @TempDir
    Path directory;

    private ImapFixture fixture;
    private ImapListener imap;
    private Pop3Listener pop3;

    @AfterEach
    void stop() {
        if (imap != null) {
            imap.close();
        }
        if (pop3 != null) {
            pop3.close();
        }
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void imapAndPop3ServeTheDeliveredBytes() throws Exception {
        fixture = new ImapFixture(directory);
        imap = fixture.server().start();
        ListenerConfig pop3Config = new ListenerConfig("test-pop3", ListenerConfig.Protocol.POP3, "127.0.0.1", 0,
            ListenerConfig.TlsMode.NONE, false, false, true, java.util.Optional.empty(), ImapFixture.testLimits());
        pop3 = new Pop3Listener(pop3Config, new Pop3Context(ImapFixture.HOST, fixture.users,
            fixture.store.mailboxManager(), directory.resolve("var")));
        pop3.start();
        TestUsers.Account user = fixture.users.fresh("both");
        byte[] delivered = ("Return-Path: <sender@example.net>\r\n"
            + "Received: from client.example.net by " + ImapFixture.HOST + "\r\n"
            + "From: sender@example.net\r\nTo: " + user.address() + "\r\nSubject: caf\u00e9\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n"
            + "\r\n.leading dot\r\nna\u00efve \u00fcml\u00e4uts\r\n\r\n..\r\nlast line\r\n").getBytes(StandardCharsets.UTF_8);
        fixture.deliver(user.address(), delivered);

        assertThat(read("imap", imap.boundAddress().getPort(), user)).isEqualTo(delivered);
        assertThat(read("pop3", pop3.boundAddress().getPort(), user)).isEqualTo(delivered);
    }

    private static byte[] read(String protocol, int port, TestUsers.Account user) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("mail." + protocol + ".connectiontimeout", "10000");
        properties.setProperty("mail." + protocol + ".timeout", "10000");
        Store store = Session.getInstance(properties).getStore(protocol);
        store.connect("127.0.0.1", port, user.address(), user.password());
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            Message message = inbox.getMessage(1);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            message.writeTo(out);
            inbox.close(false);
            return out.toByteArray();
        } finally {
            store.close();
        }
    }
}
