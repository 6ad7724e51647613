package io.nightshift;

/**
 * The database failed, as opposed to a rule of the domain: the store throws it, and the API answers
 * it with 503 without knowing the store.
 */
public final class StoreUnavailableException extends RuntimeException {

  public StoreUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
