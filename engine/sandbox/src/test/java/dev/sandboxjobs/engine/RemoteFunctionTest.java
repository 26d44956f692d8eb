package dev.sandboxjobs.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The values RemoteFunction's factories make, without Docker. */
class RemoteFunctionTest {
    @Test
    void aJavaFunctionFromSourceIsWrittenToItsTopLevelClassFile() {
        RemoteFunction f = RemoteFunction.java("class X {}", "com.acme.Outer$Inner", "run").withEnv("A", "1")
                .withTimeout(Duration.ofSeconds(9));

        assertThat(f.language()).isEqualTo(RemoteFunction.Language.JAVA);
        assertThat(f.filename()).isEqualTo("Outer.java");
        assertThat(f.displayName()).isEqualTo("com.acme.Outer$Inner.run");
        assertThat(f.className()).isEqualTo("com.acme.Outer$Inner");
        assertThat(f.env()).containsEntry("A", "1");
        assertThat(f.timeout()).isEqualTo(Duration.ofSeconds(9));
        assertThat(f).hasToString("RemoteFunction[java com.acme.Outer$Inner.run from Outer.java]");
        assertThat(RemoteFunction.java("class X {}", "Scores", "score").filename()).isEqualTo("Scores.java");
    }

    @Test
    void aJavaFunctionFromASandboxFileKeepsItsPathAndHasNoSource() {
        RemoteFunction f = RemoteFunction.javaFile("src/Scores.java", "Scores", "score");

        assertThat(f.source()).isNull();
        assertThat(f.filename()).isEqualTo("src/Scores.java");
        assertThat(f.language()).isEqualTo(RemoteFunction.Language.JAVA);
    }

    @Test
    void aPythonFunctionIsNamedByItsFunction() {
        RemoteFunction f = RemoteFunction.python("def f(): pass", "f");

        assertThat(f.language()).isEqualTo(RemoteFunction.Language.PYTHON);
        assertThat(f.className()).isNull();
        assertThat(f.displayName()).isEqualTo("f");
    }

    @Test
    void badNamesAreInvalidArguments() {
        for (Runnable bad : new Runnable[] {
            () -> RemoteFunction.java("class X {}", "com..X", "f"),
            () -> RemoteFunction.java("class X {}", "1X", "f"),
            () -> RemoteFunction.java("class X {}", "X", "f()"),
            () -> RemoteFunction.java("", "X", "f"),
            () -> RemoteFunction.javaFile(" ", "X", "f"),
            () -> RemoteFunction.javaFile("a\0b", "X", "f"),
        }) {
            assertThatThrownBy(bad::run).isInstanceOf(SandboxException.class)
                    .satisfies(e -> assertThat(((SandboxException) e).code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        }
    }
}
