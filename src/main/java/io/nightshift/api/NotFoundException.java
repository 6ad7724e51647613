package io.nightshift.api;

/** Something a request names that does not exist; the message says what. */
class NotFoundException extends RuntimeException {

  NotFoundException(String message) {
    super(message);
  }
}
