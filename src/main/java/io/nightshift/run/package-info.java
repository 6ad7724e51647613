/**
 * The run domain: the states of runs and steps, what triggered a run, and the records of runs and
 * steps as the engine reads them. The api, engine and store packages share these; the package
 * depends on none of them.
 */
package io.nightshift.run;
