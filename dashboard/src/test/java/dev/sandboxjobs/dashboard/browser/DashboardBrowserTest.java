package dev.sandboxjobs.dashboard.browser;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.dashboard.Dashboard;
import dev.sandboxjobs.engine.ExecOptions;
import dev.sandboxjobs.engine.Sandbox;
import dev.sandboxjobs.engine.SandboxDefaults;
import dev.sandboxjobs.engine.SandboxEngine;
import dev.sandboxjobs.engine.StreamType;
import dev.sandboxjobs.engine.testing.RequiresDocker;
import dev.sandboxjobs.engine.testing.RuntimeImageForTests;
import dev.sandboxjobs.engine.workflow.JobEngine;
import dev.sandboxjobs.engine.workflow.JobsWorker;
import dev.sandboxjobs.engine.workflow.Run;
import dev.sandboxjobs.engine.workflow.RunRequest;
import dev.sandboxjobs.engine.workflow.RunState;
import dev.sandboxjobs.engine.workflow.SandboxSpec;
import dev.sandboxjobs.engine.workflow.ScheduleRequest;
import dev.sandboxjobs.engine.workflow.Step;
import dev.sandboxjobs.engine.workflow.StepResult;
import dev.sandboxjobs.engine.workflow.Workflow;
import dev.sandboxjobs.jobs.pipeline.PipelineRequest;
import dev.sandboxjobs.jobs.pipeline.TestingPipelineWorkflow;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser (Debian's headless Chromium, driven by Selenium through the
 * system chromedriver: nothing is downloaded) over a real engine: real Docker sandboxes, a real
 * SQLite file, the real testing pipeline on a git repository made by the test. What a user does:
 * open the printed URL, watch a run appear while it runs, follow its log, cancel it, open a
 * pipeline's report, pause and trigger a schedule, destroy a sandbox. Screenshots of the pages go
 * to {@code target/screenshots} (the ones in docs/ were taken this way).
 */
@RequiresDocker
@RequiresChromium
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {
    static final Duration WAIT = Duration.ofSeconds(60);
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    @TempDir
    static Path tmp;

    static SandboxEngine engine;
    static JobEngine jobEngine;
    static JobsWorker jobs;
    static Dashboard dashboard;
    static WebDriver browser;
    static String pipelineRunId;

    @BeforeAll
    static void start() throws Exception {
        String image = RuntimeImageForTests.image();
        engine = SandboxEngine.builder().dataDirectory(tmp.resolve("data")).image(image)
                .defaults(SandboxDefaults.builder().label("dev.sandboxjobs.owner", "dashboard-browser-test").build())
                .build();
        jobEngine = JobEngine.over(engine);
        jobs = jobEngine.worker();
        jobs.register(ticks(image));
        jobs.register(TestingPipelineWorkflow.create(new TestingPipelineWorkflow.Images(image, image)));
        jobs.start();
        dashboard = Dashboard.builder(jobs).sandboxes(engine).start();
        browser = chromium();
    }

    /** A workflow that prints a numbered line every half second in its sandbox, for a minute. */
    static Workflow ticks(String image) {
        return Workflow.named("ticks")
                .sandbox(SandboxSpec.image(image))
                .step(Step.of("tick", ctx -> {
                    Sandbox sandbox = ctx.sandbox(Sandbox.class);
                    sandbox.exec("for i in $(seq 1 120); do echo \"tick $i\"; sleep 0.5; done", ExecOptions.builder()
                            .onOutput((stream, data) -> data.lines().forEach(line ->
                                    ctx.log().write(stream == StreamType.STDERR ? "stderr" : "stdout", line)))
                            .build());
                    return StepResult.success();
                }))
                .build();
    }

    static WebDriver chromium() throws IOException {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(ChromiumCondition.CHROMIUM.toFile());
        // as root, with no network but loopback: no sandbox, no background traffic, a fresh profile
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-quic", "--disable-dev-shm-usage",
                "--user-data-dir=" + Files.createDirectories(tmp.resolve("chromium-profile")), "--window-size=1400,1100");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(ChromiumCondition.CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (dashboard != null) {
            dashboard.close();
        }
        if (jobEngine != null) {
            jobEngine.close();
        }
        if (engine != null) {
            // nothing this test made may outlive it
            engine.listSandboxes().forEach(s -> engine.destroySandbox(s.id()));
            engine.close();
        }
    }

    static WebDriverWait waiting() {
        return new WebDriverWait(browser, WAIT);
    }

    static WebElement visible(String css) {
        return waiting().until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector(css)));
    }

    static void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), SCREENSHOTS.resolve("dashboard-" + name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    static void nav(String page) {
        click(By.cssSelector("nav a[data-nav=" + page + "]"));
    }

    /** Clicks what {@code by} finds, finding it again if the page redrew it in between. */
    static void click(By by) {
        waiting().ignoring(StaleElementReferenceException.class).until(driver -> {
            driver.findElement(by).click();
            return true;
        });
    }

    static String text(By by) {
        return waiting().ignoring(StaleElementReferenceException.class).until(driver -> driver.findElement(by).getText());
    }

    @Test
    @Order(1)
    void withoutTheTokenThePageIsRefusedAndThePrintedUrlOpensIt() {
        browser.get(dashboard.baseUrl().toString());
        assertThat(browser.findElement(By.tagName("h1")).getText()).isEqualTo("Token needed");

        browser.get(dashboard.url().toString());

        visible("#state-counts [data-count=TOTAL]");
        assertThat(browser.getCurrentUrl()).doesNotContain(dashboard.adminToken());
        assertThat(browser.findElement(By.id("role")).getText()).isEqualTo("admin");
    }

    @Test
    @Order(2)
    void aRunAppearsWhileItRunsItsLogIsFollowedLiveAndItIsCancelled() throws Exception {
        nav("runs");
        visible("#runs-table");

        Run run = jobs.submit(RunRequest.of("ticks").label("started-by", "browser-test").build());

        // the page was open before the run existed: it appears, running, by the page's own refresh
        String row = "#runs-table tr[data-run-id='" + run.id() + "']";
        visible(row + "[data-state=RUNNING]");
        assertThat(text(By.cssSelector(row))).contains("ticks").contains("started-by=browser-test");
        screenshot("runs");

        click(By.cssSelector(row + " a"));
        WebElement log = visible("#log");
        waiting().until(ExpectedConditions.textToBePresentInElement(log, "tick 2"));
        waiting().until(ExpectedConditions.textToBePresentInElement(log, "tick 6"));
        assertThat(browser.findElement(By.id("log-status")).getText()).isEqualTo("following live");
        assertThat(text(By.cssSelector("#steps-table tr[data-step=tick]"))).contains("running");
        screenshot("run-live");

        click(By.id("action-cancel"));

        visible("#run-state [data-state=CANCELLED]");
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("log-status"), "run over (cancelled)"));
        assertThat(jobs.get(run.id()).state()).isEqualTo(RunState.CANCELLED);
        assertThat(browser.findElements(By.id("action-cancel"))).isEmpty();
        visible("#action-retry");
        visible("#action-rerun");
    }

    @Test
    @Order(3)
    void aPipelineRunShowsItsStepsAndItsReportOpensInOneClick() throws Exception {
        Path repo = sampleRepository();
        Run submitted = jobs.submit(TestingPipelineWorkflow.request(PipelineRequest.builder(repo.toString())
                .testTimeout(Duration.ofSeconds(300)).build()).label("repo", "sample-calculator").build());
        pipelineRunId = submitted.id();

        browser.get(dashboard.baseUrl().resolve("/runs/" + submitted.id()).toString());
        visible("#log");
        // the page follows the run to its end by itself
        new WebDriverWait(browser, Duration.ofMinutes(5)).until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("#run-state [data-state=SUCCEEDED]")));
        for (String step : List.of("clone", "install", "test", "report")) {
            assertThat(browser.findElement(By.cssSelector("#steps-table tr[data-step=" + step + "]")).getText()).contains("succeeded");
        }
        WebElement report = visible("#open-report");
        screenshot("run");
        String dashboardWindow = browser.getWindowHandle();

        report.click();

        waiting().until(driver -> driver.getWindowHandles().size() == 2);
        for (String handle : browser.getWindowHandles()) {
            if (!handle.equals(dashboardWindow)) {
                browser.switchTo().window(handle);
            }
        }
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.tagName("body"), "passed"));
        assertThat(browser.getCurrentUrl()).endsWith("/artifacts/report.html");
        assertThat(browser.findElement(By.tagName("body")).getText()).contains("sample-calculator");
        browser.close();
        browser.switchTo().window(dashboardWindow);
    }

    static Path sampleRepository() throws Exception {
        Path from = Path.of("..", "examples", "sample-repo").toAbsolutePath().normalize();
        Path repo = Files.createDirectories(tmp.resolve("sample-calculator"));
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path to = repo.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        git(repo, "init", "--quiet", "--initial-branch=main");
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "--quiet", "-m", "sample");
        return repo;
    }

    static void git(Path repo, String... args) throws Exception {
        List<String> argv = new ArrayList<>(List.of("git", "-C", repo.toString()));
        argv.addAll(List.of(args));
        Process process = new ProcessBuilder(argv).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as("git %s: %s", List.of(args), output).isZero();
    }

    @Test
    @Order(4)
    void theOverviewCountsTheRunsAndChartsThem() throws Exception {
        nav("overview");

        visible("#state-counts [data-count=CANCELLED]");
        assertThat(text(By.cssSelector("#state-counts [data-count=CANCELLED] .n"))).isEqualTo("1");
        assertThat(Integer.parseInt(text(By.cssSelector("#state-counts [data-count=TOTAL] .n")))).isGreaterThanOrEqualTo(2);
        assertThat(browser.findElements(By.cssSelector("#chart svg rect"))).isNotEmpty();
        screenshot("overview");
    }

    @Test
    @Order(5)
    void aScheduleIsPausedAndTriggeredFromItsPage() throws Exception {
        jobs.schedule(ScheduleRequest.cron("nightly-sample", "0 0 3 * * ?", RunRequest.of("ticks").label("from", "schedule").build()));
        jobs.schedule(ScheduleRequest.cron("weekday-mornings", "0 30 6 ? * MON-FRI", RunRequest.of("ticks").build()));
        nav("schedules");
        visible("#schedules-table tr[data-schedule-id=nightly-sample]");
        assertThat(text(By.cssSelector("#schedules-table tr[data-schedule-id=nightly-sample]"))).contains("active").contains("0 0 3 * * ?");

        click(By.cssSelector("#schedules-table tr[data-schedule-id=nightly-sample] button[data-action=pause]"));
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("#schedules-table tr[data-schedule-id=nightly-sample]"), "paused"));
        screenshot("schedules");
        click(By.cssSelector("#schedules-table tr[data-schedule-id=nightly-sample] button[data-action=trigger]"));

        waiting().until(ExpectedConditions.textToBePresentInElementLocated(By.id("toast"), "Queued run-"));
        String runId = browser.findElement(By.id("toast")).getText().replaceAll("(?s).*Queued (run-[0-9a-f-]+).*", "$1");
        assertThat(jobs.get(runId).scheduleId()).isEqualTo("nightly-sample");
        jobs.cancel(runId);
        // over, and its sandbox destroyed, before the engine closes
        assertThat(jobs.await(runId, Duration.ofMinutes(2)).state().isFinished()).isTrue();
        assertThat(jobs.schedules()).filteredOn(s -> s.id().equals("nightly-sample")).singleElement()
                .satisfies(s -> assertThat(s.paused()).isTrue());
    }

    @Test
    @Order(6)
    void aSandboxIsListedWithItsImageAndDestroyed() throws Exception {
        Sandbox sandbox = engine.getSandbox("dashboard-browser-sandbox");
        sandbox.exec("true");
        nav("sandboxes");
        visible("#sandboxes-table tr[data-sandbox-id=dashboard-browser-sandbox]");
        assertThat(text(By.cssSelector("#sandboxes-table tr[data-sandbox-id=dashboard-browser-sandbox]")))
                .contains("running").contains(RuntimeImageForTests.image());
        screenshot("sandboxes");

        click(By.cssSelector("#sandboxes-table tr[data-sandbox-id=dashboard-browser-sandbox] button[data-action=destroy]"));
        waiting().until(ExpectedConditions.alertIsPresent()).accept();

        waiting().until(ExpectedConditions.invisibilityOfElementLocated(
                By.cssSelector("#sandboxes-table tr[data-sandbox-id=dashboard-browser-sandbox]")));
        assertThat(engine.findSandbox("dashboard-browser-sandbox")).isEmpty();
    }

    @Test
    @Order(7)
    void theReadOnlyLinkShowsEverythingAndOffersNoChange() {
        browser.get(dashboard.readOnlyUrl().toString());
        visible("#state-counts");
        assertThat(browser.findElement(By.id("role")).getText()).isEqualTo("read-only");

        browser.get(dashboard.baseUrl().resolve("/runs/" + pipelineRunId).toString());
        visible("#run-state [data-state=SUCCEEDED]");
        assertThat(browser.findElements(By.cssSelector("#run-actions button"))).isEmpty();
        nav("schedules");
        visible("#schedules-table tr[data-schedule-id=nightly-sample]");
        assertThat(browser.findElements(By.cssSelector("#schedules-table button"))).isEmpty();
        assertThat(Map.of("role", browser.findElement(By.id("role")).getText())).containsEntry("role", "read-only");
    }
}
