package dev.sandboxjobs.spring;

import dev.sandboxjobs.dashboard.Dashboard;
import dev.sandboxjobs.dashboard.DashboardMetrics;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.workflow.JobsClient;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Measurement;
import io.micrometer.core.instrument.Tag;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.ClassUtils;

/** The dashboard bean, with the application's {@code sandboxjobs.*} meters on its overview. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnClass(Dashboard.class)
@ConditionalOnProperty(prefix = "sandbox-jobs.dashboard", name = "enabled", havingValue = "true")
class DashboardConfiguration {
    private static final Logger log = LoggerFactory.getLogger(DashboardConfiguration.class);

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    Dashboard sandboxJobsDashboard(JobsClient jobs, SandboxEngine sandboxEngine, SandboxJobsProperties properties,
                                   ApplicationContext context) {
        SandboxJobsProperties.Dashboard settings = properties.dashboard();
        Dashboard.Builder b = Dashboard.builder(jobs).sandboxes(sandboxEngine)
                .port(settings.port()).bindAddress(settings.bindAddress());
        if (settings.adminToken() != null) {
            b.adminToken(settings.adminToken());
        }
        if (settings.readOnlyToken() != null) {
            b.readOnlyToken(settings.readOnlyToken());
        }
        if (ClassUtils.isPresent("io.micrometer.core.instrument.MeterRegistry", getClass().getClassLoader())) {
            b.metrics(Meters.readings(context.getBeanProvider(MeterRegistry.class)));
        }
        Dashboard dashboard = b.start();
        log.info("Sandbox Jobs dashboard at {} (its tokens: the Dashboard bean, or sandbox-jobs.dashboard.*-token)",
                dashboard.baseUrl());
        return dashboard;
    }

    /** Kept apart so that the class loads without Micrometer on the classpath. */
    static final class Meters {
        static DashboardMetrics readings(ObjectProvider<MeterRegistry> registries) {
            return () -> {
                MeterRegistry registry = registries.getIfAvailable();
                if (registry == null) {
                    return List.of();
                }
                List<DashboardMetrics.Reading> out = new ArrayList<>();
                for (Meter meter : registry.getMeters()) {
                    Meter.Id id = meter.getId();
                    if (!id.getName().startsWith("sandboxjobs.")) {
                        continue;
                    }
                    Map<String, String> tags = new LinkedHashMap<>();
                    for (Tag t : id.getTags()) {
                        tags.put(t.getKey(), t.getValue());
                    }
                    for (Measurement m : meter.measure()) {
                        String statistic = m.getStatistic().name().toLowerCase(Locale.ROOT);
                        String unit = switch (m.getStatistic()) {
                            case TOTAL_TIME, MAX, DURATION -> "s";
                            default -> id.getBaseUnit() == null ? "" : id.getBaseUnit();
                        };
                        out.add(new DashboardMetrics.Reading(id.getName() + "." + statistic, tags, m.getValue(), unit));
                    }
                }
                return out;
            };
        }

        private Meters() {
        }
    }
}
