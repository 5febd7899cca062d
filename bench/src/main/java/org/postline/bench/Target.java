package org.postline.bench;

import java.io.IOException;

/**
 * The server under load and the accounts the benchmark uses on it. Every account has the same password;
 * the users are {@code load}, {@code lat}, {@code imap} and {@code pop1..pop4} at {@code domain}.
 *
 * @param loginWithDomain whether IMAP/POP3 logins name the full address (Postline, James) or the bare user
 */
public record Target(String host, int smtpPort, int imapPort, int pop3Port, String domain, String password,
                     boolean loginWithDomain, String sender, int timeoutMillis) {

    public static final String LOAD = "load";
    public static final String LATENCY = "lat";
    public static final String IMAP = "imap";
    public static final String INBOX = "INBOX";

    public String address(String user) {
        return user + "@" + domain;
    }

    public String login(String user) {
        return loginWithDomain ? address(user) : user;
    }

    public SmtpClient smtp() throws IOException {
        return SmtpClient.open(host, smtpPort, timeoutMillis);
    }

    /** An IMAP session logged in as {@code user}. */
    public ImapClient imap(String user) throws IOException {
        ImapClient client = ImapClient.open(host, imapPort, timeoutMillis);
        try {
            client.login(login(user), password);
        } catch (IOException e) {
            client.close();
            throw e;
        }
        return client;
    }

    public Pop3Client pop3(String user) throws IOException {
        return Pop3Client.open(host, pop3Port, login(user), password, timeoutMillis);
    }
}
