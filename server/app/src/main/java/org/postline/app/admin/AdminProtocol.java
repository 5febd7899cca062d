package org.postline.app.admin;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The admin channel's line protocol (UTF-8, LF-terminated), one request per connection.
 * <pre>
 * request:  WORD SP WORD ... [SP "%secret" SP PASSWORD] LF     words percent-encoded (%, space, controls)
 * response: *("+" SP TEXT LF) ("OK" | "ERR" SP TEXT) LF
 * </pre>
 * The password is decoded straight into a char array; it never becomes a String on either side.
 */
public final class AdminProtocol {

    /** Marks the word after it as the password; encoding never produces it ("%s" is no hex escape). */
    private static final String SECRET_MARK = "%secret";
    static final int MAX_REQUEST_BYTES = 16 * 1024;

    private AdminProtocol() {
    }

    public static void writeRequest(AdminRequest request, OutputStream out) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (String word : request.words()) {
            if (line.size() > 0) {
                line.write(' ');
            }
            encode(word.getBytes(StandardCharsets.UTF_8), line);
        }
        if (request.secret().isPresent()) {
            line.write(' ');
            line.write(SECRET_MARK.getBytes(StandardCharsets.US_ASCII));
            line.write(' ');
            ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(request.secret().get()));
            byte[] raw = new byte[bytes.remaining()];
            bytes.get(raw);
            wipe(bytes);
            encode(raw, line);
            Arrays.fill(raw, (byte) 0);
        }
        line.write('\n');
        out.write(line.toByteArray());
        out.flush();
    }

    /** Reads one request; empty if the peer closed before sending one. */
    public static Optional<AdminRequest> readRequest(InputStream in) throws IOException {
        byte[] line = readLine(in, MAX_REQUEST_BYTES);
        if (line == null) {
            return Optional.empty();
        }
        try {
            List<String> words = new ArrayList<>();
            char[] secret = null;
            List<byte[]> raw = split(line);
            for (int i = 0; i < raw.size(); i++) {
                String word = new String(raw.get(i), StandardCharsets.US_ASCII);
                if (word.equals(SECRET_MARK) && i + 1 < raw.size()) {
                    secret = decodeSecret(raw.get(++i));
                } else {
                    words.add(new String(decode(raw.get(i)), StandardCharsets.UTF_8));
                }
            }
            return Optional.of(new AdminRequest(words, Optional.ofNullable(secret)));
        } finally {
            Arrays.fill(line, (byte) 0);
        }
    }

    public static void writeResponse(AdminResponse response, OutputStream out) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : response.lines()) {
            text.append("+ ").append(oneLine(line)).append('\n');
        }
        text.append(response.error().map(e -> "ERR " + oneLine(e)).orElse("OK")).append('\n');
        out.write(text.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    public static AdminResponse readResponse(InputStream in) throws IOException {
        List<String> lines = new ArrayList<>();
        while (true) {
            byte[] raw = readLine(in, 1024 * 1024);
            if (raw == null) {
                throw new IOException("the server closed the admin connection without an answer");
            }
            String line = new String(raw, StandardCharsets.UTF_8);
            if (line.startsWith("+ ")) {
                lines.add(line.substring(2));
            } else if (line.equals("OK")) {
                return AdminResponse.ok(lines);
            } else if (line.startsWith("ERR ")) {
                return new AdminResponse(lines, Optional.of(line.substring(4)));
            } else {
                throw new IOException("unexpected answer on the admin channel: " + line);
            }
        }
    }

    private static String oneLine(String text) {
        return text.replace('\r', ' ').replace('\n', ' ');
    }

    private static byte[] readLine(InputStream in, int limit) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1) {
            if (b == '\n') {
                return line.toByteArray();
            }
            if (line.size() >= limit) {
                throw new IOException("admin line longer than " + limit + " bytes");
            }
            line.write(b);
        }
        return line.size() == 0 ? null : line.toByteArray();
    }

    private static List<byte[]> split(byte[] line) {
        List<byte[]> words = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= line.length; i++) {
            if (i == line.length || line[i] == ' ') {
                if (i > start) {
                    words.add(Arrays.copyOfRange(line, start, i));
                }
                start = i + 1;
            }
        }
        return words;
    }

    private static void encode(byte[] bytes, ByteArrayOutputStream out) {
        for (byte b : bytes) {
            int v = b & 0xff;
            if (v == '%' || v == ' ' || v < 0x20 || v == 0x7f) {
                out.write('%');
                out.write(Character.toUpperCase(Character.forDigit(v >> 4, 16)));
                out.write(Character.toUpperCase(Character.forDigit(v & 0xf, 16)));
            } else {
                out.write(v);
            }
        }
    }

    private static byte[] decode(byte[] word) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(word.length);
        for (int i = 0; i < word.length; i++) {
            if (word[i] == '%') {
                if (i + 2 >= word.length) {
                    throw new IOException("bad escape in admin request");
                }
                int high = Character.digit(word[i + 1], 16);
                int low = Character.digit(word[i + 2], 16);
                if (high < 0 || low < 0) {
                    throw new IOException("bad escape in admin request");
                }
                out.write((high << 4) | low);
                i += 2;
            } else {
                out.write(word[i]);
            }
        }
        return out.toByteArray();
    }

    private static char[] decodeSecret(byte[] word) throws IOException {
        byte[] bytes = decode(word);
        try {
            CharBuffer chars = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes));
            char[] secret = new char[chars.remaining()];
            chars.get(secret);
            Arrays.fill(chars.array(), '\0');
            return secret;
        } catch (CharacterCodingException e) {
            throw new IOException("the password is not valid UTF-8");
        } finally {
            Arrays.fill(bytes, (byte) 0);
            Arrays.fill(word, (byte) 0);
        }
    }

    private static void wipe(ByteBuffer buffer) {
        if (buffer.hasArray()) {
            Arrays.fill(buffer.array(), (byte) 0);
        }
    }
}
