package dev.openenv.client.internal;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The end of the pipeline: collects whole text messages and notes the handshake, a close or a failure (under the wire's lock). */
final class InboundFrames extends SimpleChannelInboundHandler<WebSocketFrame> {
    final CompletableFuture<Void> opened = new CompletableFuture<>();
    private List<byte[]> texts = new ArrayList<>(1);
    volatile String closedBy;
    volatile Throwable failure;

    List<byte[]> takeTexts() {
        if (texts.isEmpty()) {
            return List.of();
        }
        List<byte[]> t = texts;
        texts = new ArrayList<>(1);
        return t;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event == WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE) {
            opened.complete(null);
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
        if (frame instanceof TextWebSocketFrame text) {
            texts.add(ByteBufUtil.getBytes(text.content()));
        } else if (frame instanceof CloseWebSocketFrame close) {
            String reason = close.reasonText();
            closedBy = "code " + close.statusCode() + (reason == null || reason.isEmpty() ? "" : ", " + reason);
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE));
        }
        // Binary frames carry nothing in this protocol; pings are answered by Netty's protocol handler.
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable error) {
        opened.completeExceptionally(error);
        failure = error;
    }
}
