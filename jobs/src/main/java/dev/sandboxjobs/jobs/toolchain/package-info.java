/**
 * The toolchain a project asks for and the one it gets: {@link dev.sandboxjobs.jobs.toolchain.ToolchainDetector}
 * reads the versions a project wants (package.json {@code engines} and {@code packageManager}, {@code .nvmrc},
 * {@code .node-version}, the Maven and Gradle Java settings, {@code requires-python}, go.mod's {@code go} line,
 * {@code rust-toolchain.toml}…), {@link dev.sandboxjobs.jobs.toolchain.ToolchainPlanner} decides what to use
 * from what an image has and what can be provisioned, and {@link dev.sandboxjobs.jobs.toolchain.ImageChoice}
 * picks the image a project kind needs. {@link dev.sandboxjobs.jobs.toolchain.ToolchainUse} is what the
 * report says: wanted, used, why.
 *
 * <pre>{@code
 * ProjectFiles files = ImageChoice.readHostFiles(checkout);
 * List<Requirement> wanted = ToolchainDetector.detect(files);          // e.g. node ">=20" from package.json
 * ImageChoice image = ImageChoice.forDirectory(checkout, "");         // "runtime" or "full"
 * ToolchainPlanner.Plan plan = ToolchainPlanner.plan(ProjectKind.NODE, "npm", wanted,
 *         new ToolchainPlanner.Installed(Map.of(Toolchain.NODE, "18.19.0"), Map.of()), "/workspace");
 * plan.uses().forEach(u -> System.out.println(u.describe()));
 * }</pre>
 */
package dev.sandboxjobs.jobs.toolchain;
