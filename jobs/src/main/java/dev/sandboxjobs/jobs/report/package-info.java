/**
 * The pipeline's result ({@link dev.sandboxjobs.jobs.report.PipelineResult}) and its
 * artifacts ({@link dev.sandboxjobs.jobs.report.Reports}): report.json, junit.xml,
 * report.md and report.html.
 */
package dev.sandboxjobs.jobs.report;
