package dev.sandboxjobs.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sandboxjobs.jobs.report.StepStatus;
import org.junit.jupiter.api.Test;

class PipelineStepsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void cloneParametersRequireARepositoryAndLeaveOtherParametersToTheUsersSteps() throws Exception {
        var validator = PipelineSteps.cloneParameters();
        assertThat(validator.validate(JSON.readTree("{\"repository\": \"https://git.example.com/a.git\", \"maxLines\": 5}")))
                .isEmpty();
        assertThat(validator.validate(JSON.readTree("{\"maxLines\": 5}")))
                .containsExactly("parameter \"repository\" is required");
        assertThat(validator.validate(JSON.readTree("{\"repository\": \"https://git.example.com/a.git\", \"ref\": 3}")))
                .containsExactly("\"ref\" must be a string");
        assertThat(validator.validate(JSON.readTree("{\"repository\": \"https://git.example.com/a.git\", \"token\": \"t\"}")))
                .singleElement().asString().contains("never put a secret in the parameters");
    }

    @Test
    void aUserStepCannotTakeTheNameOfABuiltInStep() {
        assertThatThrownBy(() -> PipelineSteps.step("report", (ctx, checkout) -> null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("built-in");
    }

    @Test
    void aStepReportFollowsTheExitCode() {
        assertThat(PipelineSteps.stepReport("lint", 0, "clean", "").status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(PipelineSteps.stepReport("lint", 2, "3 problems", "a.js:1").status()).isEqualTo(StepStatus.FAILED);
    }
}
