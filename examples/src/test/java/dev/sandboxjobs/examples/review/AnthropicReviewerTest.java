package dev.sandboxjobs.examples.review;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sandboxjobs.examples.review.ReviewComment.Severity;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The parsing of a model's answer (the API itself is not called by the tests). */
class AnthropicReviewerTest {
    @Test
    void theModelsCommentLinesBecomeCommentsOnChangedFilesOnly() {
        String answer = """
                Here is my review:
                calc.py:4:error: the parameter list is not closed
                - `app.js`:2:Warning: y is never defined
                secret.txt:1:info: not a changed file
                calc.py:99999999999:error: a line number that does not fit
                """;
        assertThat(AnthropicReviewer.parse(answer, Set.of("calc.py", "app.js"))).containsExactly(
                new ReviewComment("calc.py", 4, Severity.ERROR, "[model] the parameter list is not closed"),
                new ReviewComment("app.js", 2, Severity.WARNING, "[model] y is never defined"));
    }
}
