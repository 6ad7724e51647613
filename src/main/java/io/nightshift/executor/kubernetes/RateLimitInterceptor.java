package io.nightshift.executor.kubernetes;

import java.io.IOException;
import java.io.InterruptedIOException;
import okhttp3.Interceptor;
import okhttp3.Response;

/**
 * Holds every request to the Kubernetes API until the node's {@link TokenBucket} gives it a token,
 * so that a burst of launches reaches the API server at the configured rate instead of being
 * answered with 429s. A watch takes a token when it is opened; the events it streams take none. The
 * wait happens before the request is sent, so it does not count against the request timeout.
 */
final class RateLimitInterceptor implements Interceptor {

  private final TokenBucket bucket;

  RateLimitInterceptor(TokenBucket bucket) {
    this.bucket = bucket;
  }

  @Override
  public Response intercept(Chain chain) throws IOException {
    try {
      bucket.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException(
          "interrupted while waiting for the Kubernetes API rate limit");
    }
    return chain.proceed(chain.request());
  }
}
