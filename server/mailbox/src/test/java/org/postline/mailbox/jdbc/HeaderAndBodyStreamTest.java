package org.postline.mailbox.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** The stream of a message read with its body gives exactly header then body, however it is read. */
class HeaderAndBodyStreamTest {

    private static final byte[] HEADER = "Subject: s\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BODY = "line one\r\nline two\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final String WHOLE = "Subject: s\r\n\r\nline one\r\nline two\r\n";

    @Test
    void readsHeaderThenBodyInChunksThatStraddleTheirBoundary() throws Exception {
        InputStream in = new HeaderAndBodyStream(HEADER, BODY);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[5];
        for (int read = in.read(chunk); read >= 0; read = in.read(chunk)) {
            out.write(chunk, 0, read);
        }
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo(WHOLE);
        assertThat(in.read()).isEqualTo(-1);
        assertThat(in.available()).isZero();
    }

    @Test
    void transfersWhatIsLeftAfterSingleBytesAndASkip() throws Exception {
        InputStream in = new HeaderAndBodyStream(HEADER, BODY);
        assertThat(in.read()).isEqualTo('S');
        assertThat(in.skip(HEADER.length)).isEqualTo(HEADER.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThat(in.transferTo(out)).isEqualTo(WHOLE.length() - 1 - HEADER.length);

        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo(WHOLE.substring(1 + HEADER.length));
        assertThat(in.read(new byte[4], 0, 4)).isEqualTo(-1);
    }

    @Test
    void transfersTheWholeMessageFromTheStart() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        assertThat(new HeaderAndBodyStream(HEADER, BODY).transferTo(out)).isEqualTo(WHOLE.length());

        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo(WHOLE);
        assertThat(new HeaderAndBodyStream(HEADER, new byte[0]).readAllBytes()).isEqualTo(HEADER);
    }
}
