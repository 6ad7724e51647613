package io.nightshift.api;

import io.micronaut.context.event.BeanCreatedEvent;
import io.micronaut.context.event.BeanCreatedEventListener;
import io.micronaut.http.netty.channel.ChannelPipelineCustomizer;
import io.micronaut.http.server.HttpServerConfiguration;
import io.micronaut.http.server.netty.NettyServerCustomizer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deadline for slow clients: a connection must deliver a whole request (request line, headers and
 * body) within {@code micronaut.server.read-timeout} seconds of opening, or of the answer to its
 * previous request, else it is closed. A client that sends a byte a second (slow-loris) is cut at
 * the deadline, as is a connection left idle between requests; a request being answered is not,
 * however long its answer takes ({@code ?wait}). Netty's idle handling ({@code
 * micronaut.server.idle-timeout}) is likewise held off while a request is being answered: it counts
 * only reads and writes, and a waiting request does neither.
 */
@Singleton
public class RequestReadTimeout
    implements BeanCreatedEventListener<NettyServerCustomizer.Registry> {

  /** The deadline when {@code micronaut.server.read-timeout} is not set. */
  static final Duration DEFAULT = Duration.ofSeconds(30);

  private static final String NAME = "nightshift-request-read-timeout";

  private final Duration timeout;

  public RequestReadTimeout(HttpServerConfiguration server) {
    this.timeout =
        server.getReadTimeout().filter(s -> s > 0).map(Duration::ofSeconds).orElse(DEFAULT);
  }

  @Override
  public NettyServerCustomizer.Registry onCreated(
      BeanCreatedEvent<NettyServerCustomizer.Registry> event) {
    NettyServerCustomizer.Registry registry = event.getBean();
    registry.register(new Customizer(null));
    return registry;
  }

  private final class Customizer implements NettyServerCustomizer {
    private final Channel connection;

    Customizer(Channel connection) {
      this.connection = connection;
    }

    @Override
    public NettyServerCustomizer specializeForChannel(Channel channel, ChannelRole role) {
      return role == ChannelRole.CONNECTION ? new Customizer(channel) : this;
    }

    @Override
    public void onStreamPipelineBuilt() {
      if (connection != null
          && connection.pipeline().get(ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC) != null
          && connection.pipeline().get(NAME) == null) {
        connection
            .pipeline()
            .addAfter(
                ChannelPipelineCustomizer.HANDLER_HTTP_SERVER_CODEC,
                NAME,
                new Handler(timeout.toNanos()));
      }
    }
  }

  /** Runs the deadline of one HTTP/1.1 connection; every method runs on its event loop. */
  static final class Handler extends ChannelDuplexHandler {
    private final long timeoutNanos;
    private ScheduledFuture<?> deadline;
    private int answering;

    Handler(long timeoutNanos) {
      this.timeoutNanos = timeoutNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      if (ctx.channel().isActive()) {
        start(ctx);
      }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      start(ctx);
      super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      if (msg instanceof LastHttpContent) {
        // The whole request is in: from now on the server is the slow one, not the client.
        answering++;
        cancel();
      }
      super.channelRead(ctx, msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
        throws Exception {
      if (msg instanceof LastHttpContent) {
        ChannelPromise written = promise.unvoid();
        written.addListener(
            future -> {
              answering = Math.max(0, answering - 1);
              if (answering == 0 && ctx.channel().isActive()) {
                start(ctx);
              }
            });
        super.write(ctx, msg, written);
        return;
      }
      super.write(ctx, msg, promise);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof IdleStateEvent && answering > 0) {
        return; // an answer that takes long (?wait) is not an idle connection
      }
      super.userEventTriggered(ctx, evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      cancel();
      super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
      cancel();
    }

    private void start(ChannelHandlerContext ctx) {
      cancel();
      deadline =
          ctx.executor()
              .schedule(
                  () -> {
                    if (answering == 0) {
                      ctx.close();
                    }
                  },
                  timeoutNanos,
                  TimeUnit.NANOSECONDS);
    }

    private void cancel() {
      if (deadline != null) {
        deadline.cancel(false);
        deadline = null;
      }
    }
  }
}
