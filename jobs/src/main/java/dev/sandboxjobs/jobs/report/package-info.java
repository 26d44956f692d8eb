/**
 * The pipeline's result ({@link dev.sandboxjobs.jobs.report.PipelineResult}) and its
 * artifacts ({@link dev.sandboxjobs.jobs.report.Reports}): report.json, junit.xml,
 * report.md and report.html.
 *
 * <pre>{@code
 * PipelineResult result = TestingPipeline.builder(request).build().run(engine);
 * System.out.println(result.headline());
 * for (Map.Entry<String, byte[]> file : Reports.renderAll(result).entrySet()) {
 *     Files.write(out.resolve(file.getKey()), file.getValue());   // report.json, junit.xml, report.md, report.html
 * }
 * }</pre>
 */
package dev.sandboxjobs.jobs.report;
