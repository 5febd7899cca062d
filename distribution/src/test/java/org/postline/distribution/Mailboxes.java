package org.postline.distribution;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import javax.mail.Folder;
import javax.mail.Message;
import javax.mail.Session;
import javax.mail.Store;

/** Reads what landed in a user's INBOX, over POP3 and IMAP as a mail client would. */
final class Mailboxes {

    private Mailboxes() {
    }

    /** The fault tokens of every message in the INBOX (one entry per message, duplicates kept). */
    static List<String> tokens(String protocol, int port, String user, String password) throws Exception {
        return headers(protocol, port, user, password, LoadSender.TOKEN_HEADER.substring(0, LoadSender.TOKEN_HEADER.indexOf(':')));
    }

    /** The subjects of every message in the INBOX. */
    static List<String> subjects(String protocol, int port, String user, String password) throws Exception {
        return headers(protocol, port, user, password, "Subject");
    }

    private static List<String> headers(String protocol, int port, String user, String password, String name)
            throws Exception {
        Properties props = new Properties();
        props.put("mail." + protocol + ".connectiontimeout", "10000");
        props.put("mail." + protocol + ".timeout", "30000");
        Store store = Session.getInstance(props).getStore(protocol);
        store.connect("127.0.0.1", port, user, password);
        try {
            Folder inbox = store.getFolder("INBOX");
            inbox.open(Folder.READ_ONLY);
            List<String> tokens = new ArrayList<>();
            for (Message message : inbox.getMessages()) {
                String[] values = message.getHeader(name);
                tokens.add(values == null || values.length == 0 ? "?" : values[0].trim());
            }
            inbox.close(false);
            return tokens;
        } finally {
            store.close();
        }
    }
}
