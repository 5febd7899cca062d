package org.postline.bench;

import java.nio.charset.StandardCharsets;

/**
 * Test messages of a chosen size: plain RFC 5322 text with CRLF line endings, no line starting with a dot
 * (so SMTP needs no dot-stuffing), a subject that names the message so a benchmark can search for it.
 */
public final class Messages {

    private static final String FILLER = "The quick brown fox jumps over the lazy dog, then files a report on it.";

    private final String from;
    private final int size;

    /** @param size approximate size in bytes (headers included); at least the headers */
    public Messages(String from, int size) {
        this.from = from;
        this.size = size;
    }

    public byte[] message(String to, String subject) {
        StringBuilder text = new StringBuilder(size + 128);
        text.append("From: ").append(from).append("\r\n")
                .append("To: ").append(to).append("\r\n")
                .append("Subject: ").append(subject).append("\r\n")
                .append("Message-ID: <").append(subject.replace(' ', '.')).append('.').append(System.nanoTime())
                .append("@bench.invalid>\r\n")
                .append("Date: Sun, 22 Nov 2026 09:00:00 +0000\r\n")
                .append("MIME-Version: 1.0\r\n")
                .append("Content-Type: text/plain; charset=us-ascii\r\n")
                .append("\r\n")
                // A body line of its own, so no two bodies are equal (a store may deduplicate equal bodies).
                .append("Body of ").append(subject).append(", ").append(System.nanoTime()).append("\r\n");
        int line = 0;
        while (text.length() < size - 2) {
            int room = size - 2 - text.length();
            String body = (line++ % 10) + " " + FILLER;
            text.append(body, 0, Math.min(body.length(), Math.max(1, room - 2))).append("\r\n");
        }
        return text.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
