package org.postline.protocols.imap;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.james.imap.api.ImapSessionState;
import org.apache.james.imap.api.display.HumanReadableText;
import org.apache.james.imap.api.message.response.StatusResponse;
import org.apache.james.imap.api.process.ImapSession;
import org.apache.james.imap.decode.ImapDecoder;
import org.apache.james.imap.message.response.ImmutableStatusResponse;
import org.apache.james.imapserver.netty.ImapRequestFrameDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * James's IMAP request decoder with the literal limits 3.8.1 lacks (CVE-2024-37358): a small limit before
 * login, the message size after, a cap on the literals of one command and on the bytes one command may make
 * the decoder hold. Two views are checked before James parses: the command's shape by IMAP framing (each
 * announced literal, each line between them); and what James itself says it awaits, which bounds the bytes
 * a command can make it hold whatever framing tricks a client plays.
 * <ul>
 * <li>A too-large synchronizing literal announced on a command's first line is refused with a tagged
 * {@code NO [TOOBIG]} before James asks for it; the connection stays usable.</li>
 * <li>Any other breach (a too-large LITERAL+ literal, whose bytes are already coming; too many literals; a
 * command growing too big) gets a BYE and the connection is closed.</li>
 * </ul>
 */
final class LiteralGuard extends ImapRequestFrameDecoder {

    private static final Logger LOGGER = LoggerFactory.getLogger(LiteralGuard.class);
    /** The key under which James's decoder keeps the size of the command it awaits (package-private there). */
    private static final String NEEDED_DATA = "NEEDED_DATA";
    private static final byte[] CONTINUATION = "+ Ok\r\n".getBytes(StandardCharsets.US_ASCII);

    /**
     * @param beforeLogin   the largest literal before authentication
     * @param afterLogin    the largest literal after authentication
     * @param perCommand    literals allowed in one command
     * @param lineAllowance bytes of command text allowed on top of a command's literal bytes
     */
    record Limits(int beforeLogin, int afterLogin, int perCommand, int lineAllowance) {
    }

    private final Limits limits;
    private final int inMemorySizeLimit;
    private final int maxLineLength;
    /** Line handlers James has pushed (AUTHENTICATE, IDLE); pushed from processor threads. */
    private final AtomicInteger lineHandlers = new AtomicInteger();
    private boolean closing;
    /** Literals of the current command James has waited for, and the size it last said it awaits. */
    private int literalsAwaited;
    private int lastNeeded;
    /** The buffer James is decoding and where its command starts, for {@link #disableFraming}. */
    private ByteBuf decoding;
    private int commandStart;

    /**
     * @param inMemorySizeLimit literals larger than this are spooled to a temporary file by James
     * @param maxLineLength     bytes of one line, line ending excluded
     */
    LiteralGuard(ImapDecoder decoder, int inMemorySizeLimit, Limits limits, int maxLineLength) {
        super(decoder, inMemorySizeLimit, limits.afterLogin(), maxLineLength);
        this.limits = limits;
        this.inMemorySizeLimit = inMemorySizeLimit;
        this.maxLineLength = maxLineLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (closing || loggingOut(ctx)) {
            // After LOGOUT (or a BYE for bad commands) the core handler, on its own thread, writes the last
            // responses and closes; James's decoder would close at once, losing them.
            in.skipBytes(in.readableBytes());
            return;
        }
        if (lineHandlers.get() > 0) {
            // AUTHENTICATE or IDLE continuation lines: no literals, and the framer bounds their length.
            super.decode(ctx, in, out);
            return;
        }
        boolean loggedIn = loggedIn(ctx);
        long literalLimit = loggedIn ? limits.afterLogin() : limits.beforeLogin();
        long commandLimit = literalLimit + limits.lineAllowance();
        Map<String, Object> decoderState = ctx.channel().attr(FRAME_DECODE_ATTACHMENT_ATTRIBUTE_KEY).get();
        Object awaited = decoderState == null ? null : decoderState.get(NEEDED_DATA);
        if (awaited == null) {
            literalsAwaited = 0;
            lastNeeded = 0;
            Optional<LiteralAnnouncement> announced = LiteralAnnouncement.atEndOfFirstLine(in);
            if (announced.isPresent() && announced.get().size() > literalLimit) {
                refuse(ctx, in, out, announced.get(), literalLimit);
                return;
            }
        } else if (in.readableBytes() > commandLimit) {
            fail(ctx, in, "Command too long");
            return;
        }
        LiteralAnnouncement.CommandShape shape = null;
        if (lastNeeded <= inMemorySizeLimit) {
            // (Beyond the in-memory limit James streams the literal to a file and the buffer no longer starts
            // with the command; the checks on what James awaits below still apply.)
            shape = LiteralAnnouncement.shape(in, maxLineLength, limits.perCommand());
            String breach = breach(shape, literalLimit);
            if (breach != null) {
                fail(ctx, in, breach);
                return;
            }
        }
        int decoded = out.size();
        decoding = in;
        commandStart = in.readerIndex();
        try {
            super.decode(ctx, in, out);
        } finally {
            decoding = null;
        }
        if (out.size() > decoded) {
            return;
        }
        Object needed = decoderState == null ? null : decoderState.get(NEEDED_DATA);
        if (needed instanceof Integer size && size > 0 && size != lastNeeded) {
            // James has just parsed another literal announcement of this command.
            lastNeeded = size;
            literalsAwaited++;
            if (literalsAwaited > limits.perCommand()) {
                fail(ctx, in, "Too many literals in one command");
            } else if (size > commandLimit) {
                fail(ctx, in, loggedIn ? "Literal too large" : "Literal too large before login");
            } else if (awaited != null && shape != null && shape.lastSynchronizing()) {
                // James asks for the first literal of a command only ("+" is not sent when it re-parses), so a
                // client waiting before each later synchronizing literal would wait forever.
                ctx.writeAndFlush(Unpooled.wrappedBuffer(CONTINUATION));
            }
        }
    }

    private String breach(LiteralAnnouncement.CommandShape shape, long literalLimit) {
        if (shape.literals() > limits.perCommand()) {
            return "Too many literals in one command";
        }
        if (shape.largestLiteral() > literalLimit) {
            return "Literal too large";
        }
        return shape.lineTooLong() ? "Command line too long" : null;
    }

    /** A literal over the limit, announced on a command's first line. */
    private void refuse(ChannelHandlerContext ctx, ByteBuf in, List<Object> out, LiteralAnnouncement literal,
                        long limit) {
        if (!literal.synchronizing() || literal.tag().isEmpty()) {
            fail(ctx, in, "Literal too large");
            return;
        }
        LOGGER.info("refusing a {}-byte literal from {} (limit {})", literal.size(), remote(ctx), limit);
        // The client waits for "+ " before sending a synchronizing literal: dropping the line is enough.
        in.skipBytes(literal.lineLength());
        HumanReadableText text = new HumanReadableText("org.postline.imap.LITERAL_TOO_BIG",
            "[TOOBIG] Literal too large; the limit is " + limit + " bytes");
        out.add(new ImmutableStatusResponse(StatusResponse.Type.NO, literal.tag().get(), null, text, null));
    }

    private void fail(ChannelHandlerContext ctx, ByteBuf in, String reason) {
        LOGGER.info("closing IMAP connection from {}: {}", remote(ctx), reason);
        closing = true;
        in.skipBytes(in.readableBytes());
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(Unpooled.copiedBuffer("* BYE " + reason + "\r\n", StandardCharsets.US_ASCII))
            .addListener(ChannelFutureListener.CLOSE);
    }

    private static boolean loggedIn(ChannelHandlerContext ctx) {
        ImapSession session = ctx.channel().attr(IMAP_SESSION_ATTRIBUTE_KEY).get();
        return session != null && (session.getState() == ImapSessionState.AUTHENTICATED
            || session.getState() == ImapSessionState.SELECTED);
    }

    private static boolean loggingOut(ChannelHandlerContext ctx) {
        ImapSession session = ctx.channel().attr(IMAP_SESSION_ATTRIBUTE_KEY).get();
        return session == null || session.getState() == ImapSessionState.LOGOUT;
    }

    private static String remote(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress address && address.getAddress() != null
            ? address.getAddress().getHostAddress() : String.valueOf(ctx.channel().remoteAddress());
    }

    /**
     * James 3.8.1 removes the framer before rewinding to the command's start, and the removal hands the
     * framer's unread bytes straight back to this decoder: with LITERAL+ data in the same packet, those bytes
     * were decoded as new commands. Rewinding first makes them join the command they belong to.
     */
    @Override
    public void disableFraming(ChannelHandlerContext ctx) {
        if (decoding != null) {
            decoding.readerIndex(commandStart);
        }
        super.disableFraming(ctx);
    }

    @Override
    public void pushLineHandler(ChannelInboundHandlerAdapter lineHandler) {
        lineHandlers.incrementAndGet();
        super.pushLineHandler(lineHandler);
    }

    @Override
    public void popLineHandler() {
        lineHandlers.updateAndGet(count -> Math.max(0, count - 1));
        super.popLineHandler();
    }
}
