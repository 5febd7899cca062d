package org.postline.mailbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import javax.mail.Flags;

import org.apache.james.mailbox.model.ByteContent;
import org.apache.james.mailbox.model.Header;
import org.apache.james.mailbox.model.ThreadId;
import org.apache.james.mailbox.store.ResultUtils;
import org.apache.james.mailbox.store.mail.model.impl.PropertyBuilder;
import org.apache.james.mailbox.store.mail.model.impl.SimpleMailboxMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.postline.mailbox.jdbc.JdbcMailboxId;
import org.postline.mailbox.jdbc.PostlineMessageId;

/** {@link HeaderFields} gives exactly the fields James's store parses, for any header bytes. */
class HeaderFieldsTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "From: bench@remote.example\r\nTo: imap@bench.test\r\nSubject: bench imap 1\r\n"
            + "Message-ID: <bench.imap.1@bench.invalid>\r\nDate: Sun, 22 Nov 2026 09:00:00 +0000\r\n\r\n",
        "Subject: folded\r\n  over\r\n\ttwo lines\r\nTo: a@b.c,\r\n d@e.f\r\n\r\n",
        "Subject: =?UTF-8?B?w6lsw6h2ZQ==?= and =?iso-8859-1?q?caf=E9?=\r\nFrom: \"Doe, J.\" <j@d.example>\r\n\r\n",
        "To: undisclosed-recipients:;\r\nCc: team: a@b.c, \"X Y\" <x@y.z>;, other@o.example\r\n\r\n",
        "Subject: one\r\nSubject: two\r\nFrom: first@a.example\r\nFrom: second@b.example\r\n\r\n",
        "Subject: no blank line at the end\r\nTo: x@y.z",
        "Subject: LF only\nTo: x@y.z\n\nBody: not a header\n",
        "Subject:no space\r\nTo:  two spaces\r\nCc: \r\nBcc:\r\nX-Tab:\tvalue\r\n\r\n",
        "Subject : obsolete space before colon\r\nX-Comment(hidden): value\r\nX(a:b)Y: colon in comment\r\n\r\n",
        "no colon here\r\nSubject: after a bad line\r\nBad Name: spaced\r\n: empty name\r\n\r\n",
        "  leading space on the first line: x\r\nSubject: s\r\n\r\n",
        "Subject: ends with CR FF\r\f\r\nX-Bare-CR: a\rb\r\n\r\r\nTo: after a CR CR line\r\n\r\n",
        "Subject: caf\u00e9 8-bit \u00ff\r\nFr\u00f6m: 8-bit name\r\n\r\n",
        "X-Unclosed(comment: value\r\nX-Escaped(a\\)b): v\r\nX-Nested((a)b): v\r\n\r\n",
        "\r\nSubject: after an empty first line\r\n",
        "\u0000: control characters around a name\r\nX \u0001: trimmed\r\n\u000bY: too\r\n\r\n",
        "",
        "Subject: a\r\n \r\n\t\r\nTo: whitespace-only folds\r\n\r\n"})
    void splitsAsJamesParses(String header) throws Exception {
        assertSame(header.getBytes(StandardCharsets.ISO_8859_1));
    }

    @Test
    void splitsRandomHeaderBytesAsJamesParses() throws Exception {
        String[] pieces = {"From", "Subject", "To", "X-A", ":", ": ", " ", "  ", "\t", "\r", "\n", "\r\n", "\r\n",
            "\r\n ", "\r\n\t", "\r\n\r\n", "(", ")", "\\", "\"", "a", "b c", "<x@y.z>", ",", ";", "=?utf-8?q?x?=",
            "\f", "\u0000", "\u0001", "\u000b", " \u0000", "\u00e9", "\u00ff", "\u0080", "\u007f"};
        Random random = new Random(20261122);
        for (int round = 0; round < 20_000; round++) {
            ByteArrayOutputStream header = new ByteArrayOutputStream();
            int count = random.nextInt(24);
            for (int i = 0; i < count; i++) {
                header.writeBytes(pieces[random.nextInt(pieces.length)].getBytes(StandardCharsets.ISO_8859_1));
            }
            assertSame(header.toByteArray());
        }
    }

    private static void assertSame(byte[] header) throws Exception {
        List<String> expected = ResultUtils.createHeaders(message(header)).stream().map(HeaderFieldsTest::show).toList();
        List<String> actual = HeaderFields.split(header).stream().map(HeaderFieldsTest::show).toList();
        assertThat(actual).as("fields of %s", HexFormat.of().formatHex(header)).isEqualTo(expected);
    }

    private static String show(Header header) {
        return "[" + header.getName() + "]=[" + header.getValue() + "]";
    }

    private static SimpleMailboxMessage message(byte[] header) {
        byte[] content = new byte[header.length + 5];
        System.arraycopy(header, 0, content, 0, header.length);
        System.arraycopy("body\n".getBytes(StandardCharsets.US_ASCII), 0, content, header.length, 5);
        PostlineMessageId id = (PostlineMessageId) new PostlineMessageId.Factory().generate();
        return new SimpleMailboxMessage(id, ThreadId.fromBaseMessageId(id), new Date(), content.length, header.length,
            new ByteContent(content), new Flags(), new PropertyBuilder().build(), new JdbcMailboxId(1));
    }
}
