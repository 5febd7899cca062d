package org.postline.protocols.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.james.protocols.api.ProtocolConfiguration;
import org.apache.james.protocols.api.ProtocolImpl;
import org.apache.james.protocols.api.ProtocolSession;
import org.apache.james.protocols.api.ProtocolSessionImpl;
import org.apache.james.protocols.api.ProtocolTransport;
import org.apache.james.protocols.api.Request;
import org.apache.james.protocols.api.Response;
import org.apache.james.protocols.api.handler.CommandDispatcher;
import org.apache.james.protocols.api.handler.CommandHandler;
import org.apache.james.protocols.api.handler.ProtocolHandlerChainImpl;
import org.apache.james.protocols.pop3.POP3StreamResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Streamed replies (a POP3 RETR) are read on the handler threads (the I/O threads only if the protocol runs
 * its handlers there), arrive whole however large, keep their place among later replies, and a stream
 * failing half-way closes the connection.
 */
class OffloadedChunkedStreamTest {

    private static final int SIZE = 5 * OffloadedChunkedStream.CHUNK_SIZE + 123;

    private final Set<String> readingThreads = ConcurrentHashMap.newKeySet();
    private LineProtocolServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close(Duration.ofSeconds(1), session -> false);
        }
    }

    private static byte[] content() {
        byte[] bytes = new byte[SIZE];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) ('a' + i % 26);
        }
        return bytes;
    }

    /** A stream that notes which threads read it and can fail after some bytes. */
    private InputStream recording(byte[] bytes, int failAfter) {
        ByteArrayInputStream source = new ByteArrayInputStream(bytes);
        return new InputStream() {
            private int read;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                readingThreads.add(Thread.currentThread().getName());
                if (read >= failAfter) {
                    throw new IOException("disk gone");
                }
                int n = source.read(buffer, offset, Math.min(length, 1000));
                read += Math.max(n, 0);
                return n;
            }
        };
    }

    private void start(int failAfter) throws Exception {
        start(failAfter, false);
    }

    private void start(int failAfter, boolean handlersOnIoThreads) throws Exception {
        CommandHandler<ProtocolSession> get = new CommandHandler<>() {
            @Override
            public Response onCommand(ProtocolSession session, Request request) {
                return new POP3StreamResponse("+OK", "data follows", recording(content(), failAfter));
            }

            @Override
            public Collection<String> getImplCommands() {
                return List.of("GET");
            }
        };
        CommandHandler<ProtocolSession> ping = new CommandHandler<>() {
            @Override
            public Response onCommand(ProtocolSession session, Request request) {
                return new POP3StreamResponse("+OK", "pong", new ByteArrayInputStream(new byte[0]));
            }

            @Override
            public Collection<String> getImplCommands() {
                return List.of("PING");
            }
        };
        ProtocolHandlerChainImpl chain = new ProtocolHandlerChainImpl();
        chain.add(new CommandDispatcher<ProtocolSession>());
        chain.add(get);
        chain.add(ping);
        chain.wireExtensibleHandlers();
        ProtocolConfiguration configuration = new ProtocolConfiguration() {
            @Override
            public String getHelloName() {
                return "test";
            }

            @Override
            public String getGreeting() {
                return "test";
            }

            @Override
            public String getSoftwareName() {
                return "test";
            }
        };
        ProtocolImpl protocol = new ProtocolImpl(chain, configuration) {
            @Override
            public String getName() {
                return "TEST";
            }

            @Override
            public ProtocolSession newSession(ProtocolTransport transport) {
                return new ProtocolSessionImpl(transport, configuration);
            }
        };
        LineProtocolServer.Settings settings = new LineProtocolServer.Settings("stream-test",
                new InetSocketAddress("127.0.0.1", 0), Optional.empty(), "stls", 1000, Duration.ofSeconds(30),
                10, 10, "-ERR busy", "-ERR idle", "-ERR bye", 2);
        server = new LineProtocolServer(protocol, handlersOnIoThreads ? settings.withHandlersOnIoThreads() : settings);
        server.start();
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("closed");
            }
            line.write(b);
        }
        return line.toString(StandardCharsets.US_ASCII).trim();
    }

    @Test
    void readsTheStreamOnHandlerThreadsAndSendsItWholeAndInOrder() throws Exception {
        start(Integer.MAX_VALUE);
        getThenPing();
        assertThat(readingThreads).isNotEmpty().allMatch(name -> name.startsWith("stream-test-handler"));
    }

    @Test
    void withHandlersOnTheIoThreadsTheStreamStillArrivesWholeAndInOrder() throws Exception {
        start(Integer.MAX_VALUE, true);
        getThenPing();
        getThenPing();
        assertThat(readingThreads).isNotEmpty().allMatch(name -> name.startsWith("stream-test-io"));
    }

    private void getThenPing() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(server.boundAddress(), 10_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write("GET\r\nPING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            assertThat(readLine(in)).isEqualTo("+OK data follows");
            byte[] body = in.readNBytes(SIZE);
            assertThat(body).isEqualTo(content());
            assertThat(readLine(in)).isEqualTo(".");
            assertThat(readLine(in)).isEqualTo("+OK pong");
            assertThat(readLine(in)).isEqualTo(".");
        }
    }

    @Test
    void closesTheConnectionWhenTheStreamFailsHalfWay() throws Exception {
        start(2 * OffloadedChunkedStream.CHUNK_SIZE);
        try (Socket socket = new Socket()) {
            socket.connect(server.boundAddress(), 10_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            assertThat(readLine(in)).isEqualTo("+OK data follows");
            byte[] received = in.readAllBytes();
            assertThat(received.length).isLessThan(SIZE);
        }
    }
}
