package org.postline.protocols.pop3;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.james.protocols.pop3.core.CRLFTerminatedInputStream;
import org.apache.james.protocols.pop3.core.ExtraDotInputStream;
import org.junit.jupiter.api.Test;

/** The RETR body: exact bytes for the cases RFC 1939 cares about, and the same bytes James's streams made. */
class DotStuffedMessageTest {

    private static String body(String message) throws IOException {
        return new String(readAll(new DotStuffedMessage(stream(message)), 8192), StandardCharsets.ISO_8859_1);
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] readAll(InputStream in, int readSize) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[readSize];
        for (int n = in.read(buffer, 0, readSize); n >= 0; n = in.read(buffer, 0, readSize)) {
            assertThat(n).isPositive();
            out.write(buffer, 0, n);
        }
        assertThat(in.read(buffer, 0, readSize)).isEqualTo(-1);
        return out.toByteArray();
    }

    @Test
    void stuffsEveryLineStartingWithADotAndEndsTheReply() throws IOException {
        assertThat(body("Subject: x\r\n\r\n.\r\n..two\r\n. space\r\nmid.dle\r\n.last\r\n"))
                .isEqualTo("Subject: x\r\n\r\n..\r\n...two\r\n.. space\r\nmid.dle\r\n..last\r\n.\r\n");
    }

    @Test
    void aLeadingDotOnTheFirstLineIsStuffedToo() throws IOException {
        assertThat(body(".first\r\n")).isEqualTo("..first\r\n.\r\n");
    }

    @Test
    void bareLineFeedsBecomeCrlfAndStillStartLines() throws IOException {
        assertThat(body("a\n.\n.b\nc")).isEqualTo("a\r\n..\r\n..b\r\nc\r\n.\r\n");
    }

    @Test
    void aBareCarriageReturnIsLeftAloneAndDoesNotStartALine() throws IOException {
        assertThat(body("a\r.b\r\n")).isEqualTo("a\r.b\r\n.\r\n");
        assertThat(body("a\r\r\n.b")).isEqualTo("a\r\r\n..b\r\n.\r\n");
    }

    @Test
    void anUnendedLastLineIsEnded() throws IOException {
        assertThat(body("last")).isEqualTo("last\r\n.\r\n");
        assertThat(body("ends in CR\r")).isEqualTo("ends in CR\r\n.\r\n");
        assertThat(body("")).isEqualTo("\r\n.\r\n");
    }

    @Test
    void eightBitBytesPassUnchanged() throws IOException {
        byte[] message = TestMessages.eightBit();
        byte[] sent = readAll(new DotStuffedMessage(new ByteArrayInputStream(message)), 8192);
        ByteArrayOutputStream expected = new ByteArrayOutputStream();
        expected.writeBytes(message);
        expected.writeBytes(".\r\n".getBytes(StandardCharsets.US_ASCII));
        assertThat(sent).isEqualTo(expected.toByteArray());
    }

    @Test
    void singleByteReadsGiveTheSameBytes() throws IOException {
        String message = "x\n.\r\n..\r\nend";
        DotStuffedMessage in = new DotStuffedMessage(stream(message), 3);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
            out.write(b);
        }
        assertThat(out.toString(StandardCharsets.ISO_8859_1)).isEqualTo(body(message));
    }

    /** Random messages, read in odd sizes through small blocks, against the streams James's RETR used. */
    @Test
    void matchesJamesStuffingWhateverTheBlockAndReadSizes() throws IOException {
        Random random = new Random(1939);
        byte[] alphabet = {'.', '.', '\r', '\n', '\n', 'a', 'b', ' ', (byte) 0xe9, 0};
        for (int round = 0; round < 2000; round++) {
            byte[] message = new byte[random.nextInt(200)];
            for (int i = 0; i < message.length; i++) {
                message[i] = alphabet[random.nextInt(alphabet.length)];
            }
            byte[] expected = readAll(new SequenceInputStream(
                    new CRLFTerminatedInputStream(new ExtraDotInputStream(
                            new CrlfLineEndings(new ByteArrayInputStream(message)))),
                    new ByteArrayInputStream(".\r\n".getBytes(StandardCharsets.US_ASCII))), 1);
            int blockSize = 1 + random.nextInt(16);
            int readSize = 1 + random.nextInt(16);
            byte[] actual = readAll(new DotStuffedMessage(new ByteArrayInputStream(message), blockSize), readSize);
            assertThat(actual).as("message %s", new String(message, StandardCharsets.ISO_8859_1)).isEqualTo(expected);
        }
    }
}
