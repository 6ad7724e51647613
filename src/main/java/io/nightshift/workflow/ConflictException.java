package io.nightshift.workflow;

/** A change made against a version of the workflow that is no longer the stored one. */
public class ConflictException extends RuntimeException {

  public ConflictException(String message) {
    super(message);
  }
}
