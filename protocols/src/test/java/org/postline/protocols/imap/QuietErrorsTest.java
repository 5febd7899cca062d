package org.postline.protocols.imap;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.james.mailbox.exception.MailboxException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A socket failure closes the connection with one INFO line; any other error (even one caused, deep down, by
 * an IOException of the store) is logged at WARN with its cause and handed on to James's core handler.
 */
class QuietErrorsTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(QuietErrors.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final List<Throwable> handedOn = new ArrayList<>();
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        logged.start();
        logger.addAppender(logged);
        channel = new EmbeddedChannel(new QuietErrors("test-imap"), new ChannelInboundHandlerAdapter() {
            @Override
            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                handedOn.add(cause);
            }
        });
    }

    @AfterEach
    void tearDown() {
        logger.detachAppender(logged);
        channel.finishAndReleaseAll();
    }

    @Test
    void aResetConnectionIsClosedWithAnInfoLine() {
        channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));

        assertThat(channel.isOpen()).isFalse();
        assertThat(handedOn).isEmpty();
        assertThat(logged.list).singleElement().satisfies(event -> assertThat(event.getLevel()).isEqualTo(Level.INFO));
    }

    @Test
    void aStoreFailureCausedByAnIOExceptionIsLoggedWithItsCauseAndHandedOn() {
        MailboxException failure = new MailboxException("cannot write the message", new IOException("disk full"));

        channel.pipeline().fireExceptionCaught(new RuntimeException(failure));

        assertThat(handedOn).singleElement().satisfies(cause -> assertThat(cause).hasCause(failure));
        assertThat(logged.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.WARN);
            assertThat(event.getThrowableProxy()).isNotNull();
            assertThat(event.getThrowableProxy().getCause().getMessage()).contains("cannot write the message");
        });
    }
}
