package dev.sandboxjobs.examples.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PullRequestTest {
    @Test
    void aPullRequestsHeadIsItsForgeRef() {
        PullRequest pr = new PullRequest("/srv/app.git", "main", PullRequest.pullRef(7));
        assertThat(pr.head()).isEqualTo("refs/pull/7/head");
    }

    @Test
    void aRefThatGitWouldReadAsAnOptionOrARangeIsRefused() {
        assertThatThrownBy(() -> new PullRequest("/srv/app.git", "main", "--upload-pack=touch /tmp/x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the head must be a branch or ref name");
        assertThatThrownBy(() -> new PullRequest("/srv/app.git", "main..evil", "feature"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("the base must be");
        assertThatThrownBy(() -> new PullRequest("/srv/app.git", "main", "a:b"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
