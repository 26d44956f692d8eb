package dev.sandboxjobs.spring;

import dev.sandboxjobs.engine.SandboxDefaults;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.SandboxListener;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsClient;
import dev.sandboxjobs.engine.workflow.JobsOptions;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.micrometer.SandboxJobsMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.health.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The starter's beans; each steps aside for a bean of the same type that the application defines.
 * See {@link SandboxJobsProperties} for the settings and the package documentation for an example.
 */
@AutoConfiguration(afterName = {
        "org.springframework.boot.actuate.autoconfigure.metrics.CompositeMeterRegistryAutoConfiguration",
        "org.springframework.boot.actuate.autoconfigure.metrics.export.simple.SimpleMetricsExportAutoConfiguration"})
@EnableConfigurationProperties(SandboxJobsProperties.class)
@Import(DashboardConfiguration.class)
public class SandboxJobsAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    public SandboxEngine sandboxEngine(SandboxJobsProperties properties, ObjectProvider<SandboxListener> listeners) {
        SandboxEngine.Builder b = SandboxEngine.builder();
        if (properties.dataDir() != null) {
            b.dataDirectory(properties.dataDir());
        }
        if (properties.databaseFile() != null) {
            b.databaseFile(properties.databaseFile());
        }
        if (properties.databaseUrl() != null && !properties.databaseUrl().isBlank()) {
            b.databaseUrl(properties.databaseUrl());
        }
        if (properties.dockerHost() != null && !properties.dockerHost().isBlank()) {
            b.dockerHost(properties.dockerHost());
        }
        if (properties.image() != null && !properties.image().isBlank()) {
            b.image(properties.image());
        }
        b.defaults(defaults(properties.defaults()));
        SandboxEngine engine = b.build();
        listeners.orderedStream().forEach(engine::addListener);
        return engine;
    }

    static SandboxDefaults defaults(SandboxJobsProperties.Defaults d) {
        SandboxDefaults.Builder b = SandboxDefaults.builder();
        if (d.memory() != null) {
            b.memoryBytes(d.memory().toBytes());
        }
        if (d.cpus() != null) {
            b.cpus(d.cpus());
        }
        if (d.pidsLimit() != null) {
            b.pidsLimit(d.pidsLimit());
        }
        if (d.sleepAfter() != null) {
            b.sleepAfter(d.sleepAfter());
        }
        if (d.maxLifetime() != null) {
            b.maxLifetime(d.maxLifetime());
        }
        if (d.env() != null) {
            b.env(d.env());
        }
        return b.build();
    }

    @Bean
    @ConditionalOnMissingBean
    public JobEngine jobEngine(SandboxEngine sandboxEngine, SandboxJobsProperties properties) {
        JobsOptions options = JobsOptions.defaults();
        if (properties.worker().maxConcurrentRuns() != null) {
            options = options.withMaxConcurrentRuns(properties.worker().maxConcurrentRuns());
        }
        return JobEngine.builder().sandboxEngine(sandboxEngine).options(options).build();
    }

    /** The worker, started and stopped by {@link SandboxJobsLifecycle}; it is the application's {@code JobsClient} too. */
    @Bean
    @ConditionalOnMissingBean(JobsClient.class)
    @ConditionalOnProperty(prefix = "sandbox-jobs.worker", name = "enabled", havingValue = "true", matchIfMissing = true)
    public JobsWorker jobsWorker(JobEngine jobEngine) {
        return jobEngine.worker();
    }

    /** With {@code sandbox-jobs.worker.enabled=false}: a client of a worker elsewhere on the same database. */
    @Bean
    @ConditionalOnMissingBean(JobsClient.class)
    public JobsClient jobsClient(JobEngine jobEngine) {
        return jobEngine.client();
    }

    @Bean
    @ConditionalOnMissingBean
    public SandboxJobsLifecycle sandboxJobsLifecycle(JobsClient jobs, ObjectProvider<Workflow> workflows,
                                                     SandboxJobsProperties properties) {
        return new SandboxJobsLifecycle(jobs, workflows.orderedStream().toList(), properties.worker().shutdownGrace());
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class})
    static class Health {
        @Bean
        @ConditionalOnMissingBean(name = "sandboxJobsHealthIndicator")
        @ConditionalOnEnabledHealthIndicator("sandboxjobs")
        public SandboxJobsHealthIndicator sandboxJobsHealthIndicator(SandboxEngine sandboxEngine, SandboxJobsProperties properties) {
            return new SandboxJobsHealthIndicator(sandboxEngine, properties.dockerHost());
        }
    }

    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass({MeterRegistry.class, SandboxJobsMetrics.class})
    static class Metrics {
        /** Bound here to every registry; Spring Boot's own binding of MeterBinder beans then does nothing more. */
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        @ConditionalOnBean(MeterRegistry.class)
        public SandboxJobsMetrics sandboxJobsMetrics(JobsClient jobs, SandboxEngine sandboxEngine,
                                                     ObjectProvider<MeterRegistry> registries) {
            SandboxJobsMetrics metrics = SandboxJobsMetrics.of(jobs, sandboxEngine);
            registries.orderedStream().forEach(metrics::bindTo);
            return metrics;
        }
    }
}
