package io.nightshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A followed log whose stream breaks is resumed without a line twice or missing: a hand-written
 * HTTP server over a socket answers the first follow with five lines and half a sixth, then drops
 * the connection; the second answer is the whole log, after the step has ended.
 */
class LogFollowerTest {

  private static final String FULL =
      "line-1\nline-2\nline-3\nline-4\nline-5\nline-6\nline-7\nline-8\nlast, without a newline";

  @Test
  void a_broken_stream_is_resumed_after_the_lines_already_printed() throws Exception {
    List<String> paths = new ArrayList<>();
    try (ServerSocket server = new ServerSocket(0)) {
      Thread serving =
          new Thread(
              () -> {
                try {
                  answer(
                      server.accept(),
                      paths,
                      "line-1\nline-2\nline-3\nline-4\nline-5\nline-",
                      false);
                  answer(server.accept(), paths, FULL, true);
                } catch (IOException e) {
                  throw new IllegalStateException(e);
                }
              });
      serving.start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Lines lines =
          new Lines(
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
      Settings settings =
          new Settings(
              Settings.parseServer("http://127.0.0.1:" + server.getLocalPort()),
              Optional.of("t"),
              "default",
              "test");
      ApiClient api = new ApiClient(settings, Duration.ZERO, System.err);
      AtomicInteger asked = new AtomicInteger();

      new LogFollower(api, "r1", "s", "[s] ", lines, () -> asked.incrementAndGet() > 1, () -> false)
          .run();
      serving.join(5_000);

      assertThat(out.toString(StandardCharsets.UTF_8).split("\n"))
          .containsExactly(
              "[s] line-1",
              "[s] line-2",
              "[s] line-3",
              "[s] line-4",
              "[s] line-5",
              "[s] line-6",
              "[s] line-7",
              "[s] line-8",
              "[s] last, without a newline");
      assertThat(paths)
          .containsExactly(
              "/api/v1/runs/r1/steps/s/logs?follow=true",
              "/api/v1/runs/r1/steps/s/logs?follow=true");
    }
  }

  /** Reads a request, answers {@code body} chunked, and ends it properly or drops the socket. */
  private static void answer(Socket socket, List<String> paths, String body, boolean end)
      throws IOException {
    try (socket) {
      InputStream in = socket.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        if (b < 0) {
          return;
        }
        head.append((char) b);
      }
      paths.add(head.toString().split(" ")[1]);
      OutputStream out = socket.getOutputStream();
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      out.write(
          ("HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n"
                  + "Transfer-Encoding: chunked\r\n\r\n"
                  + Integer.toHexString(bytes.length)
                  + "\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(bytes);
      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
      if (end) {
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      out.flush();
      if (!end) {
        socket.setSoLinger(true, 0); // a reset, as a dropped connection
      }
    }
  }
}
