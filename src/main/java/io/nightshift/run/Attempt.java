package io.nightshift.run;

/** A step attempt whose resources (a Job, a log) go with its run. */
public record Attempt(String workflow, long seq, String step, int attempt) {}
