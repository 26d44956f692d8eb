/**
 * Setting a machine up for sandboxes: Docker (installed when missing), the default runtime image
 * built from the bundled context (with a registry or without one), CA certificates of a
 * TLS-inspecting proxy baked in, and the doctor's report. {@link dev.sandboxjobs.engine.setup.Setup}
 * is the front; {@code ./sandbox-jobs setup} and {@code doctor} call it.
 *
 * <pre>{@code
 * SetupReport report = Setup.builder().full(true).build().run();   // the runtime and runtime-full images
 * System.out.println(report.image());
 * DoctorReport doctor = Setup.builder().build().doctor();
 * System.out.println(doctor.render());
 * }</pre>
 */
package dev.sandboxjobs.engine.setup;
