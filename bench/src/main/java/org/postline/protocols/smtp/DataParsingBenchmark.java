package org.postline.protocols.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.postline.bench.Messages;

/**
 * SMTP DATA parsing, the per-byte work of the front-end: Netty's line framing (the decoder James's SMTP framer
 * extends, with the same line limit), our strict CRLF check on each line, dot-unstuffing and the copy into the
 * message buffer, for one message of {@code size} bytes arriving in 8 KiB reads. It lives in our SMTP package
 * to call the real {@link StrictLineEndingFilter#endsInCrlfOnly}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class DataParsingBenchmark {

    @Param({"5120", "102400"})
    public int size;

    private byte[] wire;
    private EmbeddedChannel channel;
    private MessageSink sink;

    /** The end of the pipeline: what the DATA line filters do with each line. */
    static final class MessageSink extends ChannelInboundHandlerAdapter {
        final ByteArrayOutputStream message = new ByteArrayOutputStream(1 << 17);
        int messages;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf frame = (ByteBuf) msg;
            try {
                byte[] line = new byte[frame.readableBytes()];
                frame.readBytes(line);
                if (!StrictLineEndingFilter.endsInCrlfOnly(line)) {
                    throw new IllegalStateException("bare CR or LF");
                }
                if (line.length == 3 && line[0] == '.') {
                    messages++;
                    message.reset();
                } else if (line[0] == '.') {
                    message.write(line, 1, line.length - 1);
                } else {
                    message.write(line, 0, line.length);
                }
            } finally {
                frame.release();
            }
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        byte[] message = new Messages("bob@remote.example", size).message("alice@bench.test", "data bench");
        wire = new byte[message.length + 3];
        System.arraycopy(message, 0, wire, 0, message.length);
        System.arraycopy(".\r\n".getBytes(StandardCharsets.US_ASCII), 0, wire, message.length, 3);
        sink = new MessageSink();
        channel = new EmbeddedChannel(new LineBasedFrameDecoder(998, false, false), sink);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
    }

    @Benchmark
    public int parseOneMessage() {
        for (int offset = 0; offset < wire.length; offset += 8192) {
            channel.writeInbound(Unpooled.wrappedBuffer(wire, offset, Math.min(8192, wire.length - offset)));
        }
        return sink.messages;
    }
}
