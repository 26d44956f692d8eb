/**
 * Project detection: {@link dev.sandboxjobs.jobs.detect.ProjectDetector#detect} decides a
 * project's kind and its install and test commands from a listing and a few files' contents.
 */
package dev.sandboxjobs.jobs.detect;
