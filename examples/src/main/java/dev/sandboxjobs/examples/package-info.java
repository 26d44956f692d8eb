/**
 * Runnable programs, one per seed tutorial plus batch and cron usage, built on the public API
 * only (see docs/examples.md).
 *
 * <pre>{@code
 * // mvn -q -B -DskipTests -pl examples -am package, then
 * // java -cp "examples/target/classes:examples/target/lib/*" dev.sandboxjobs.examples.GettingStarted
 * GettingStarted.main(new String[0]);
 * }</pre>
 */
package dev.sandboxjobs.examples;
