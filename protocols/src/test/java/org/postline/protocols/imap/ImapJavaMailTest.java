package org.postline.protocols.imap;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.mail.imap.IMAPFolder;
import com.sun.mail.imap.IMAPMessage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.activation.DataHandler;
import javax.mail.Flags;
import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.Multipart;
import javax.mail.Part;
import javax.mail.Session;
import javax.mail.Store;
import javax.mail.event.MessageCountAdapter;
import javax.mail.event.MessageCountEvent;
import javax.mail.internet.InternetAddress;
import javax.mail.internet.MimeBodyPart;
import javax.mail.internet.MimeMessage;
import javax.mail.internet.MimeMultipart;
import javax.mail.search.AndTerm;
import javax.mail.search.BodyTerm;
import javax.mail.search.ComparisonTerm;
import javax.mail.search.FlagTerm;
import javax.mail.search.ReceivedDateTerm;
import javax.mail.search.SizeTerm;
import javax.mail.search.SubjectTerm;
import javax.mail.util.ByteArrayDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postline.api.config.ListenerConfig.TlsMode;

/** A real client (javax.mail's IMAPStore) against the IMAP listener over the Postline mailbox store. */
class ImapJavaMailTest {

    @TempDir
    static Path directory;

    private static ImapFixture fixture;
    private ImapListener server;
    private TestUsers.Account user;

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

    private Store connect(String protocol, Properties properties) throws Exception {
        properties.setProperty("mail." + protocol + ".connectiontimeout", "10000");
        properties.setProperty("mail." + protocol + ".timeout", "10000");
        Store store = Session.getInstance(properties).getStore(protocol);
        store.connect("127.0.0.1", server.boundAddress().getPort(), user.address(), user.password());
        return store;
    }

    private Store connectPlain() throws Exception {
        return connect("imap", new Properties());
    }

    private void startPlain() throws Exception {
        server = fixture.server().start();
        user = fixture.users.fresh("mail");
    }

    static MimeMessage simple(String subject, String body) throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress("sender@example.net", "S\u00e9nder"));
        message.setRecipients(Message.RecipientType.TO, "someone@example.org");
        message.setSubject(subject, "UTF-8");
        message.setSentDate(new Date(1_700_000_000_000L));
        // Bodies end with a line break, as every message arriving over SMTP does.
        message.setText(body + "\r\n", "UTF-8");
        message.saveChanges();
        return message;
    }

    /** mixed( alternative( text/plain, text/html ), application/octet-stream attachment ). */
    static MimeMessage nested() throws Exception {
        MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
        message.setFrom(new InternetAddress("sender@example.net"));
        message.setRecipients(Message.RecipientType.TO, "someone@example.org");
        message.setSubject("nested");
        MimeBodyPart plain = new MimeBodyPart();
        plain.setText("plain text version", "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent("<p>html version</p>", "text/html; charset=UTF-8");
        MimeMultipart alternative = new MimeMultipart("alternative", plain, html);
        MimeBodyPart alternativePart = new MimeBodyPart();
        alternativePart.setContent(alternative);
        MimeBodyPart attachment = new MimeBodyPart();
        byte[] data = new byte[5000];
        Arrays.fill(data, (byte) 7);
        attachment.setDataHandler(new DataHandler(new ByteArrayDataSource(data, "application/octet-stream")));
        attachment.setFileName("data.bin");
        message.setContent(new MimeMultipart("mixed", alternativePart, attachment));
        message.saveChanges();
        return message;
    }

    static byte[] raw(Message message) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        message.writeTo(out);
        return out.toByteArray();
    }

    @Test
    void foldersAreCreatedRenamedSubscribedListedAndDeleted() throws Exception {
        startPlain();
        Store store = connectPlain();
        try {
            assertThat(Arrays.stream(store.getDefaultFolder().list("*")).map(Folder::getFullName))
                .containsExactlyInAnyOrder("INBOX", "Sent", "Drafts", "Trash", "Junk");
            char separator = store.getDefaultFolder().getSeparator();
            Folder projects = store.getFolder("Projects");
            assertThat(projects.create(Folder.HOLDS_FOLDERS | Folder.HOLDS_MESSAGES)).isTrue();
            Folder child = store.getFolder("Projects" + separator + "R\u00e9sum\u00e9");
            assertThat(child.create(Folder.HOLDS_MESSAGES)).isTrue();
            child.setSubscribed(true);
            assertThat(Arrays.stream(store.getDefaultFolder().list("*")).map(Folder::getFullName))
                .contains("Projects", "Projects" + separator + "R\u00e9sum\u00e9");
            assertThat(Arrays.stream(store.getDefaultFolder().listSubscribed("*")).map(Folder::getFullName))
                .contains("Projects" + separator + "R\u00e9sum\u00e9");

            Folder renamed = store.getFolder("Archive 2024");
            assertThat(projects.renameTo(renamed)).isTrue();
            assertThat(store.getFolder("Archive 2024" + separator + "R\u00e9sum\u00e9").exists()).isTrue();
            assertThat(store.getFolder("Projects").exists()).isFalse();

            assertThat(store.getFolder("Archive 2024").delete(true)).isTrue();
            assertThat(Arrays.stream(store.getDefaultFolder().list("*")).map(Folder::getFullName))
                .containsExactlyInAnyOrder("INBOX", "Sent", "Drafts", "Trash", "Junk");
        } finally {
            store.close();
        }
    }

    @Test
    void renamingTheInboxMovesItsMessagesAndLeavesAnEmptyInbox() throws Exception {
        startPlain();
        fixture.deliver(user.address(), raw(simple("old mail", "from before")));
        Store store = connectPlain();
        try {
            assertThat(store.getFolder("INBOX").renameTo(store.getFolder("Old"))).isTrue();
            Folder old = store.getFolder("Old");
            old.open(Folder.READ_ONLY);
            assertThat(old.getMessageCount()).isEqualTo(1);
            old.close(false);
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isZero();
            inbox.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    void appendedMessagesAreFetchedWithEnvelopeSectionsAndStructure() throws Exception {
        startPlain();
        MimeMessage original = nested();
        byte[] originalBytes = raw(original);
        Properties properties = new Properties();
        // Small chunks, so that bodies are fetched as BODY[section]<partial> ranges.
        properties.setProperty("mail.imap.fetchsize", "1024");
        Store store = connect("imap", properties);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.appendMessages(new Message[] {simple("Gr\u00fc\u00dfe", "first body"), original});
            inbox.open(Folder.READ_ONLY);
            assertThat(inbox.getMessageCount()).isEqualTo(2);

            Message greeting = inbox.getMessage(1);
            assertThat(greeting.getSubject()).isEqualTo("Gr\u00fc\u00dfe");
            assertThat(((InternetAddress) greeting.getFrom()[0]).getPersonal()).isEqualTo("S\u00e9nder");
            assertThat(greeting.getRecipients(Message.RecipientType.TO)[0].toString()).isEqualTo("someone@example.org");
            assertThat(greeting.getSentDate()).isEqualTo(new Date(1_700_000_000_000L));
            assertThat(((String) greeting.getContent()).trim()).isEqualTo("first body");

            IMAPMessage structured = (IMAPMessage) inbox.getMessage(2);
            assertThat(structured.getSize()).isEqualTo(originalBytes.length);
            Multipart mixed = (Multipart) structured.getContent();
            assertThat(mixed.getContentType()).startsWithIgnoringCase("multipart/mixed");
            assertThat(mixed.getCount()).isEqualTo(2);
            Multipart alternative = (Multipart) mixed.getBodyPart(0).getContent();
            assertThat(alternative.getContentType()).startsWithIgnoringCase("multipart/alternative");
            assertThat(alternative.getBodyPart(0).getContentType()).startsWithIgnoringCase("text/plain");
            assertThat(((String) alternative.getBodyPart(0).getContent()).trim()).isEqualTo("plain text version");
            assertThat(alternative.getBodyPart(1).getContentType()).startsWithIgnoringCase("text/html");
            assertThat(((String) alternative.getBodyPart(1).getContent()).trim()).isEqualTo("<p>html version</p>");
            Part attachment = mixed.getBodyPart(1);
            assertThat(attachment.getFileName()).isEqualTo("data.bin");
            byte[] data = attachment.getInputStream().readAllBytes();
            assertThat(data).hasSize(5000).containsOnly((byte) 7);
            assertThat(raw(structured)).isEqualTo(originalBytes);
            inbox.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    void flagsAreStoredAndSearchFindsMessages() throws Exception {
        startPlain();
        fixture.deliver(user.address(), raw(simple("invoice 42", "please pay the invoice")));
        fixture.deliver(user.address(), raw(simple("lunch", "see you at noon " + "x".repeat(4000))));
        fixture.deliver(user.address(), raw(simple("invoice 43", "second reminder")));
        Store store = connectPlain();
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            inbox.getMessage(2).setFlag(Flags.Flag.FLAGGED, true);
            inbox.getMessage(3).setFlags(new Flags("$Important"), true);
            inbox.getMessage(1).setFlag(Flags.Flag.SEEN, true);

            assertThat(numbers(inbox.search(new SubjectTerm("invoice")))).containsExactly(1, 3);
            assertThat(numbers(inbox.search(new BodyTerm("reminder")))).containsExactly(3);
            assertThat(numbers(inbox.search(new FlagTerm(new Flags(Flags.Flag.FLAGGED), true)))).containsExactly(2);
            assertThat(numbers(inbox.search(new FlagTerm(new Flags("$Important"), true)))).containsExactly(3);
            assertThat(numbers(inbox.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false)))).containsExactly(2, 3);
            assertThat(numbers(inbox.search(new SizeTerm(ComparisonTerm.GT, 3000)))).containsExactly(2);
            assertThat(numbers(inbox.search(new AndTerm(new SubjectTerm("invoice"),
                new ReceivedDateTerm(ComparisonTerm.GE, new Date(System.currentTimeMillis() - 86_400_000L))))))
                .containsExactly(1, 3);
            inbox.close(false);

            Store other = connectPlain();
            Folder again = other.getFolder("INBOX");
            again.open(Folder.READ_ONLY);
            assertThat(again.getMessage(1).isSet(Flags.Flag.SEEN)).isTrue();
            assertThat(again.getMessage(2).isSet(Flags.Flag.FLAGGED)).isTrue();
            assertThat(again.getMessage(3).getFlags().contains("$Important")).isTrue();
            again.close(false);
            other.close();
        } finally {
            store.close();
        }
    }

    private static List<Integer> numbers(Message[] messages) {
        return Arrays.stream(messages).map(Message::getMessageNumber).toList();
    }

    @Test
    void messagesAreCopiedMovedAndExpunged() throws Exception {
        startPlain();
        fixture.deliver(user.address(), raw(simple("keep", "one")));
        fixture.deliver(user.address(), raw(simple("move me", "two")));
        fixture.deliver(user.address(), raw(simple("delete me", "three")));
        Store store = connectPlain();
        try {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_WRITE);
            inbox.copyMessages(new Message[] {inbox.getMessage(1)}, store.getFolder("Trash"));
            inbox.getMessage(3).setFlag(Flags.Flag.DELETED, true);
            assertThat(inbox.expunge()).hasSize(1);
            inbox.moveMessages(new Message[] {inbox.getMessage(2)}, store.getFolder("Junk"));
            inbox.close(false);

            Folder reopened = store.getFolder("INBOX");
            reopened.open(Folder.READ_ONLY);
            assertThat(reopened.getMessageCount()).isEqualTo(1);
            assertThat(reopened.getMessage(1).getSubject()).isEqualTo("keep");
            reopened.close(false);
        } finally {
            store.close();
        }
        assertThat(fixture.messages(user.address(), "Trash")).hasSize(1);
        assertThat(new String(fixture.messages(user.address(), "Junk").get(0), StandardCharsets.UTF_8))
            .contains("Subject: move me");
        assertThat(fixture.messages(user.address(), "INBOX")).hasSize(1);
    }

    @Test
    void idleHearsOfAMessageAppendedByAnotherClient() throws Exception {
        startPlain();
        Store store = connectPlain();
        Store other = connectPlain();
        try {
            IMAPFolder inbox = (IMAPFolder) store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            CountDownLatch added = new CountDownLatch(1);
            inbox.addMessageCountListener(new MessageCountAdapter() {
                @Override
                public void messagesAdded(MessageCountEvent event) {
                    added.countDown();
                }
            });
            Thread idler = new Thread(() -> {
                try {
                    inbox.idle(true);
                } catch (Exception e) {
                    // the test fails on the latch instead
                }
            }, "idle-test");
            idler.start();
            // Appending before the server has taken the IDLE is fine too: the next IDLE reports it at once.
            other.getFolder("INBOX").appendMessages(new Message[] {simple("while idling", "hello")});
            assertThat(added.await(10, TimeUnit.SECONDS)).isTrue();
            idler.join(10_000);
            assertThat(idler.isAlive()).isFalse();
            assertThat(inbox.getMessageCount()).isEqualTo(1);
            inbox.close(false);
        } finally {
            other.close();
            store.close();
        }
    }

    /** Appends and reads back byte for byte over the given connection settings. */
    private void appendAndReadBack(String protocol, Properties properties) throws Exception {
        MimeMessage original = simple("secure", "over TLS");
        Store store = connect(protocol, properties);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.appendMessages(new Message[] {original});
            inbox.open(Folder.READ_ONLY);
            assertThat(raw(inbox.getMessage(1))).isEqualTo(raw(original));
            inbox.close(false);
        } finally {
            store.close();
        }
    }

    @Test
    void worksOverStartTls() throws Exception {
        server = fixture.server().tlsMode(TlsMode.STARTTLS).loopbackNotSecure().start();
        user = fixture.users.fresh("starttls");
        Properties properties = new Properties();
        properties.setProperty("mail.imap.starttls.enable", "true");
        properties.setProperty("mail.imap.starttls.required", "true");
        properties.setProperty("mail.imap.ssl.trust", "*");
        appendAndReadBack("imap", properties);
    }

    @Test
    void worksOverImplicitTls() throws Exception {
        server = fixture.server().tlsMode(TlsMode.IMPLICIT).loopbackNotSecure().start();
        user = fixture.users.fresh("imaps");
        Properties properties = new Properties();
        properties.setProperty("mail.imaps.ssl.trust", "*");
        appendAndReadBack("imaps", properties);
    }
}
