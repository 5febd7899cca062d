package org.postline.protocols.pop3;

import java.nio.charset.StandardCharsets;

/** Messages as delivery stores them: CRLF line endings, some lines starting with dots, 8-bit text. */
final class TestMessages {

    private TestMessages() {
    }

    static byte[] withDots() {
        return ("Return-Path: <sender@remote.example>\r\n"
                + "From: sender@remote.example\r\n"
                + "To: alice@example.org\r\n"
                + "Subject: dots\r\n"
                + "\r\n"
                + ".leading dot\r\n"
                + "..two dots\r\n"
                + ".\r\n"
                + "middle line\r\n"
                + ". space\r\n"
                + "last line\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] eightBit() {
        return ("From: sender@remote.example\r\n"
                + "To: alice@example.org\r\n"
                + "Subject: 8bit\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Transfer-Encoding: 8bit\r\n"
                + "\r\n"
                + "Gr\u00fc\u00dfe aus K\u00f6ln, caf\u00e9, \u65e5\u672c\r\n"
                + "second line\r\n").getBytes(StandardCharsets.UTF_8);
    }

    static byte[] simple(String subject, int bodyLines) {
        StringBuilder text = new StringBuilder("From: sender@remote.example\r\nTo: alice@example.org\r\nSubject: ")
                .append(subject).append("\r\n\r\n");
        for (int i = 1; i <= bodyLines; i++) {
            text.append("body line ").append(i).append("\r\n");
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
