package io.nightshift.api;

/** Bounds on what one request may ask for. */
final class ApiLimits {

  /** The largest request body: {@code micronaut.server.max-request-size} in application.yml. */
  static final int MAX_BODY_BYTES = 1024 * 1024;

  static final int DEFAULT_PAGE_SIZE = 100;
  static final int MAX_PAGE_SIZE = 1000;
  static final int DEFAULT_PREVIEW_COUNT = 10;
  static final int MAX_PREVIEW_COUNT = 1000;

  private ApiLimits() {}
}
