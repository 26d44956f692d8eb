/**
 * Project detection: {@link dev.sandboxjobs.jobs.detect.ProjectDetector#detect} decides a
 * project's kind and its install and test commands from a listing and a few files' contents;
 * {@link dev.sandboxjobs.jobs.detect.NodeTestRunner} reads which runner a package script runs and how
 * to ask it for a report; {@link dev.sandboxjobs.jobs.detect.Monorepo} finds a monorepo's packages.
 *
 * <pre>{@code
 * ProjectFiles files = ProjectFiles.of(List.of("package.json", "src"), Map.of("package.json", packageJson));
 * Detection d = ProjectDetector.detect(files, Overrides.NONE, "/tmp/sandbox-jobs-reports");
 * if (d.runnable()) {
 *     d.install().forEach(c -> System.out.println("install: " + c.display()));
 *     System.out.println("test: " + d.tests().get(0).command().display());
 * } else {
 *     System.out.println("cannot test: " + d.reason());
 * }
 * }</pre>
 */
package dev.sandboxjobs.jobs.detect;
