package org.postline.protocols.pop3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.Properties;
import javax.mail.AuthenticationFailedException;
import javax.mail.Flags;
import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.Session;
import javax.mail.Store;
import com.sun.mail.pop3.POP3Folder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.ListenerConfig.TlsMode;

/** A real client (javax.mail's POP3 store) over plain-from-loopback, STLS and implicit TLS. */
class Pop3JavaMailTest {

    @TempDir
    static Path var;

    private Pop3TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private Store connect(String protocol, Properties properties, String user, String password) throws Exception {
        properties.setProperty("mail." + protocol + ".connectiontimeout", "10000");
        properties.setProperty("mail." + protocol + ".timeout", "10000");
        Store store = Session.getInstance(properties).getStore(protocol);
        store.connect("127.0.0.1", server.address().getPort(), user, password);
        return store;
    }

    private static byte[] raw(Message message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    /** Lists, retrieves byte for byte, deletes one, and sees the deletion after reconnecting. */
    private void listRetrieveDelete(String protocol, Properties properties) throws Exception {
        server.append("alice@example.org", TestMessages.withDots());
        server.append("alice@example.org", TestMessages.eightBit());

        Store store = connect(protocol, properties, "alice@example.org", "alice-secret");
        Folder inbox = store.getFolder("INBOX");
        inbox.open(Folder.READ_WRITE);
        assertThat(inbox.getMessageCount()).isEqualTo(2);
        Message[] messages = inbox.getMessages();
        assertThat(raw(messages[0])).isEqualTo(TestMessages.withDots());
        assertThat(raw(messages[1])).isEqualTo(TestMessages.eightBit());
        String keptUid = ((POP3Folder) inbox).getUID(messages[1]);
        messages[0].setFlag(Flags.Flag.DELETED, true);
        inbox.close(true);
        store.close();

        Store again = connect(protocol, properties, "alice@example.org", "alice-secret");
        Folder reopened = again.getFolder("INBOX");
        reopened.open(Folder.READ_ONLY);
        assertThat(reopened.getMessageCount()).isEqualTo(1);
        assertThat(raw(reopened.getMessage(1))).isEqualTo(TestMessages.eightBit());
        assertThat(((POP3Folder) reopened).getUID(reopened.getMessage(1))).isEqualTo(keptUid);
        reopened.close(false);
        again.close();
        assertThat(server.messages("alice@example.org")).hasSize(1);
    }

    @Test
    void worksInPlainTextFromLoopback() throws Exception {
        server = Pop3TestServer.builder(var).start();
        listRetrieveDelete("pop3", new Properties());
    }

    @Test
    void worksAfterStls() throws Exception {
        server = Pop3TestServer.builder(var).tlsMode(TlsMode.STARTTLS).loopbackNotSecure().start();
        Properties properties = new Properties();
        properties.setProperty("mail.pop3.starttls.enable", "true");
        properties.setProperty("mail.pop3.starttls.required", "true");
        properties.setProperty("mail.pop3.ssl.trust", "*");
        listRetrieveDelete("pop3", properties);
    }

    @Test
    void worksOverImplicitTls() throws Exception {
        server = Pop3TestServer.builder(var).tlsMode(TlsMode.IMPLICIT).loopbackNotSecure().start();
        Properties properties = new Properties();
        properties.setProperty("mail.pop3s.ssl.trust", "*");
        listRetrieveDelete("pop3s", properties);
    }

    @Test
    void aWrongPasswordFailsTheConnect() throws Exception {
        server = Pop3TestServer.builder(var).start();
        assertThatThrownBy(() -> connect("pop3", new Properties(), "alice@example.org", "wrong"))
                .isInstanceOf(AuthenticationFailedException.class)
                .hasMessageContaining("[AUTH] Authentication failed");
    }
}
