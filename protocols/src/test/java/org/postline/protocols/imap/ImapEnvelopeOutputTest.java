package org.postline.protocols.imap;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exact bytes of ENVELOPE and header-field replies for headers that are folded, encoded, grouped, 8-bit,
 * duplicated, malformed or missing, as James's own header parsing gave them (the expected replies were taken
 * from the server before it split header fields itself).
 */
class ImapEnvelopeOutputTest {

    @TempDir
    static Path directory;

    private static ImapFixture fixture;
    private static TestUsers.Account user;
    private static ImapListener server;

    private static final List<String> HEADERS = List.of(
        "From: bench@remote.example\r\nTo: imap@bench.test\r\nSubject: plain\r\nMessage-ID: <m1@remote.example>\r\n"
            + "Date: Sun, 22 Nov 2026 09:00:00 +0000\r\n",
        "Subject: folded\r\n  over\r\n\ttwo lines\r\nFrom: \"Doe,\r\n John\" <john@d.example>\r\nTo: a@b.example,\r\n"
            + "\tc@d.example\r\nIn-Reply-To: <parent@x.example>\r\nMessage-ID:\r\n <folded@x.example>\r\n",
        "Subject: =?UTF-8?B?w6lsw6h2ZQ==?= and =?iso-8859-1?q?caf=E9?=\r\n"
            + "From: =?UTF-8?Q?J=C3=B6rg?= <joerg@x.example>, \"Smith (Jr.)\" <smith@x.example> (comment)\r\n"
            + "Reply-To: <@route.example:user@host.example>\r\n",
        "To: undisclosed-recipients:;\r\nCc: team: a@b.example, \"X Y\" <x@y.example>;, other@o.example\r\n"
            + "Subject: groups and no From\r\n",
        "Subject: caf\u00e9 in 8 bits \u00ff\r\nFrom: J\u00f6rg <j@x.example>\r\nSender: s\u00e9@x.example\r\n",
        "Subject: first\r\nSubject: second\r\nFrom: one@a.example\r\nFrom: two@b.example\r\nTo:\r\nCc: \r\n",
        "no colon on this line\r\nBad Name: spaced\r\nSubject : obsolete space\r\nFrom:nospace@x.example\r\n"
            + "X-Comment(hidden): v\r\nDate:  two spaces\r\n",
        "Subject: bare LF lines\nFrom: lf@x.example\nTo: \"quoted \\\" name\" <q@x.example>\n");

    private static final String ENVELOPES = ""
        + "* 1 FETCH (ENVELOPE (\"Sun, 22 Nov 2026 09:00:00 +0000\" \"plain\" ((NIL NIL \"bench\" \"remote.example\")) ((NIL NIL \"bench\" \"remote.example\")) ((NIL NIL \"bench\" \"remote.example\")) ((NIL NIL \"imap\" \"bench.test\")) NIL NIL NIL \"<m1@remote.example>\"))\r\n"
        + "* 2 FETCH (ENVELOPE (NIL \"folded  over\ttwo lines\" ((\"\\\"Doe, John\\\"\" NIL \"john\" \"d.example\")) ((\"\\\"Doe, John\\\"\" NIL \"john\" \"d.example\")) ((\"\\\"Doe, John\\\"\" NIL \"john\" \"d.example\")) ((NIL NIL \"a\" \"b.example\")(NIL NIL \"c\" \"d.example\")) NIL NIL \"<parent@x.example>\" \" <folded@x.example>\"))\r\n"
        + "* 3 FETCH (ENVELOPE (NIL \"=?UTF-8?B?w6lsw6h2ZQ==?= and =?iso-8859-1?q?caf=E9?=\" ((\"=?ISO-8859-1?Q?J=F6rg?=\" NIL \"joerg\" \"x.example\")(\"\\\"Smith (Jr.)\\\"\" NIL \"smith\" \"x.example\")) ((\"=?ISO-8859-1?Q?J=F6rg?=\" NIL \"joerg\" \"x.example\")(\"\\\"Smith (Jr.)\\\"\" NIL \"smith\" \"x.example\")) ((NIL \"@route.example\" \"user\" \"host.example\")) NIL NIL NIL NIL NIL))\r\n"
        + "* 4 FETCH (ENVELOPE (NIL \"groups and no From\" NIL NIL NIL ((NIL NIL \"undisclosed-recipients\" NIL)(NIL NIL NIL NIL)) ((NIL NIL \"team\" NIL)(NIL NIL \"a\" \"b.example\")(\"X Y\" NIL \"x\" \"y.example\")(NIL NIL NIL NIL)(NIL NIL \"other\" \"o.example\")) NIL NIL NIL))\r\n"
        + "* 5 FETCH (ENVELOPE (NIL \"caf? in 8 bits ?\" ((\"=?ISO-8859-1?Q?J=F6rg?=\" NIL \"j\" \"x.example\")) ((NIL NIL \"s?\" \"x.example\")) ((\"=?ISO-8859-1?Q?J=F6rg?=\" NIL \"j\" \"x.example\")) NIL NIL NIL NIL NIL))\r\n"
        + "* 6 FETCH (ENVELOPE (NIL \"first\" ((NIL NIL \"one\" \"a.example\")) ((NIL NIL \"one\" \"a.example\")) ((NIL NIL \"one\" \"a.example\")) NIL NIL NIL NIL NIL))\r\n"
        + "* 7 FETCH (ENVELOPE (\"two spaces\" \"obsolete space\" ((NIL NIL \"nospace\" \"x.example\")) ((NIL NIL \"nospace\" \"x.example\")) ((NIL NIL \"nospace\" \"x.example\")) NIL NIL NIL NIL NIL))\r\n"
        + "* 8 FETCH (ENVELOPE (NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL))\r\n";

    private static final String FIELDS = ""
        + "* 1 FETCH (BODY[HEADER.FIELDS (SUBJECT FROM CC X-COMMENT)] {46}\r\n"
        + "From: bench@remote.example\r\n"
        + "Subject: plain\r\n"
        + "\r\n"
        + ")\r\n"
        + "* 2 FETCH (BODY[HEADER.FIELDS (SUBJECT FROM CC X-COMMENT)] {77}\r\n"
        + "Subject: folded\r\n"
        + "  over\r\n"
        + "\ttwo lines\r\n"
        + "From: \"Doe,\r\n"
        + " John\" <john@d.example>\r\n"
        + "\r\n"
        + ")\r\n"
        + "* 3 FETCH (BODY[HEADER.FIELDS (SUBJECT FROM CC X-COMMENT)] {155}\r\n"
        + "Subject: =?UTF-8?B?w6lsw6h2ZQ==?= and =?iso-8859-1?q?caf=E9?=\r\n"
        + "From: =?UTF-8?Q?J=C3=B6rg?= <joerg@x.example>, \"Smith (Jr.)\" <smith@x.example> (comment)\r\n"
        + "\r\n"
        + ")\r\n"
        + "* 4 FETCH (BODY[HEADER.FIELDS (SUBJECT FROM CC X-COMMENT)] {93}\r\n"
        + "Cc: team: a@b.example, \"X Y\" <x@y.example>;, other@o.example\r\n"
        + "Subject: groups and no From\r\n"
        + "\r\n"
        + ")\r\n"
        + "* 5 FETCH (BODY[HEADER.FIELDS (SUBJECT FROM CC X-COMMENT)] {55}\r\n"
        + "Subject: caf? in 8 bits ?\r\n"
        + "From: J?rg <j@x.example>\r\n"
        + "\r\n"
        + ")\r\n"
        + "* 6 FETCH (BODY[HEADER.FIELDS (SUBJECT FROM CC X-COMMENT)] {83}\r\n"
        + "Subject: first\r\n"
        + "Subject: second\r\n"
        + "From: one@a.example\r\n"
        + "From: two@b.example\r\n"
        + "Cc: \r\n"
        + "\r\n"
        + ")\r\n"
        + "* 7 FETCH (BODY[HEADER.FIELDS (SUBJECT FROM CC X-COMMENT)] {66}\r\n"
        + "Subject: obsolete space\r\n"
        + "From: nospace@x.example\r\n"
        + "X-Comment: v\r\n"
        + "\r\n"
        + ")\r\n"
        + "* 8 FETCH (BODY[HEADER.FIELDS (SUBJECT FROM CC X-COMMENT)] {2}\r\n"
        + "\r\n"
        + ")\r\n";

    @BeforeAll
    static void start() throws Exception {
        fixture = new ImapFixture(directory);
        user = fixture.users.fresh("envelopes");
        for (String header : HEADERS) {
            String separator = header.endsWith("\r\n") ? "\r\n" : "\n";
            fixture.deliver(user.address(), (header + separator + "body" + separator)
                .getBytes(StandardCharsets.ISO_8859_1));
        }
        server = fixture.server().start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        fixture.close();
    }

    @Test
    void envelopesAndHeaderFieldsAreThoseJamesGave() throws Exception {
        try (ImapClient client = ImapClient.connect(server.boundAddress())) {
            client.login(user);
            assertThat(client.status("SELECT INBOX")).contains(" OK ");
            assertThat(untagged(client.rawCommand("FETCH 1:* ENVELOPE"))).isEqualTo(ENVELOPES);
            assertThat(untagged(client.rawCommand("FETCH 1:* BODY.PEEK[HEADER.FIELDS (SUBJECT FROM CC X-COMMENT)]")))
                .isEqualTo(FIELDS);
            // Asked again (the message results are built anew) and one by one: the same bytes.
            assertThat(untagged(client.rawCommand("FETCH 1:* ENVELOPE"))).isEqualTo(ENVELOPES);
            StringBuilder single = new StringBuilder();
            for (int i = 1; i <= HEADERS.size(); i++) {
                single.append(untagged(client.rawCommand("FETCH " + i + " ENVELOPE")));
            }
            assertThat(single.toString()).isEqualTo(ENVELOPES);
        }
    }

    /** The reply, as ISO-8859-1 text, without its tagged line, which must be an OK. */
    private static String untagged(byte[] reply) {
        String text = new String(reply, StandardCharsets.ISO_8859_1);
        int lastLine = text.lastIndexOf("\r\n", text.length() - 3) + 2;
        assertThat(text.substring(lastLine)).contains(" OK ").endsWith("\r\n");
        return text.substring(0, lastLine);
    }
}
