package org.postline.protocols.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps open connections in total and per client address. A connection over a cap gets one protocol reply
 * (e.g. {@code 421 4.7.0 ...}) and is closed before the protocol ever sees it. (James's own limit handlers
 * close silently and still greet the client.)
 */
@ChannelHandler.Sharable
public final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    private static final Logger LOGGER = LoggerFactory.getLogger(ConnectionLimiter.class);
    private static final AttributeKey<InetAddress> COUNTED = AttributeKey.valueOf("postline.counted");
    private static final AttributeKey<Boolean> REJECTED = AttributeKey.valueOf("postline.rejected");

    private final String listener;
    private final int maxTotal;
    private final int maxPerAddress;
    private final byte[] tooManyReply;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentMap<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

    /**
     * @param maxTotal      open connections allowed on the listener; 0 or less means no cap
     * @param maxPerAddress open connections allowed from one address; 0 or less means no cap
     * @param tooManyReply  the line (without CRLF) sent to a refused connection
     */
    public ConnectionLimiter(String listener, int maxTotal, int maxPerAddress, String tooManyReply) {
        this.listener = listener;
        this.maxTotal = maxTotal;
        this.maxPerAddress = maxPerAddress;
        this.tooManyReply = (tooManyReply + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        InetAddress address = ((InetSocketAddress) ctx.channel().remoteAddress()).getAddress();
        int all = total.incrementAndGet();
        int fromAddress = perAddress.merge(address, 1, Integer::sum);
        ctx.channel().attr(COUNTED).set(address);
        if ((maxTotal > 0 && all > maxTotal) || (maxPerAddress > 0 && fromAddress > maxPerAddress)) {
            LOGGER.info("listener '{}': refusing connection from {} ({} open, {} from that address)",
                    listener, address.getHostAddress(), all - 1, fromAddress - 1);
            ctx.channel().attr(REJECTED).set(Boolean.TRUE);
            ctx.channel().config().setAutoRead(false);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(tooManyReply)).addListener(ChannelFutureListener.CLOSE);
            return;
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (Boolean.TRUE.equals(ctx.channel().attr(REJECTED).get())) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        InetAddress address = ctx.channel().attr(COUNTED).getAndSet(null);
        if (address != null) {
            total.decrementAndGet();
            perAddress.computeIfPresent(address, (key, count) -> count <= 1 ? null : count - 1);
        }
        if (!Boolean.TRUE.equals(ctx.channel().attr(REJECTED).get())) {
            ctx.fireChannelInactive();
        }
    }

    int open() {
        return total.get();
    }
}
