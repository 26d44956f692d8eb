/**
 * The Spring Boot 3 starter: add {@code sandbox-jobs-spring-boot-starter} and the application gets a
 * {@link dev.sandboxjobs.engine.SandboxEngine}, a {@link dev.sandboxjobs.engine.workflow.JobEngine}
 * and a started {@link dev.sandboxjobs.engine.workflow.JobsWorker} (or, with
 * {@code sandbox-jobs.worker.enabled=false}, a {@link dev.sandboxjobs.engine.workflow.JobsClient}),
 * configured by {@link dev.sandboxjobs.spring.SandboxJobsProperties} ({@code sandbox-jobs.*}). Every
 * {@code @Bean Workflow} is registered before the worker starts; the worker shuts down gracefully
 * with the application context; with Actuator, a {@code sandboxJobs} health indicator; with
 * Micrometer, the meters of {@code sandbox-jobs-micrometer}; every
 * {@link dev.sandboxjobs.engine.SandboxListener} bean is added to the engine. The database is a SQLite
 * file in the data directory by default, or PostgreSQL with {@code sandbox-jobs.database-url}.
 *
 * <pre>{@code
 * @SpringBootApplication
 * public class App {
 *     @Bean
 *     Workflow hello() {
 *         return Workflow.named("hello")
 *                 .sandbox(SandboxSpec.image(SandboxEngine.defaultImage()))
 *                 .step(Step.of("greet", ctx -> StepResult.success(ctx.sandbox(Sandbox.class).exec("echo hi").stdout())))
 *                 .build();
 *     }
 * }
 * // anywhere: @Autowired JobsClient jobs; jobs.submit(RunRequest.of("hello").build());
 * }</pre>
 */
package dev.sandboxjobs.spring;
