package dev.sandboxjobs.jobs.corpus;

import java.util.List;
import java.util.Map;

/**
 * The corpus: one small repository per test runner, each written by the test with 3 passing tests,
 * 1 failing ({@code multiplies}) and 1 skipped (2 for ctest: one by its return code, one DISABLED), in
 * the shape real projects have (dependencies from the npm registry and Maven Central, a package
 * manager's field, a chained test script, docstrings, a CMake build…).
 *
 * @param name     the repository's name
 * @param runner   the runner the pipeline must detect
 * @param kind     the project kind
 * @param files    path to content
 * @param passed   expected passed
 * @param failed   expected failed + errored
 * @param skipped  expected skipped
 * @param failures the names of the failures (TestCase.name())
 */
record CorpusRepositories(String name, String runner, String kind, Map<String, String> files, int passed, int failed,
        int skipped, List<String> failures) {

    static List<CorpusRepositories> all() {
        return List.of(mocha(), jest(), vitest(), ava(), nodeTest(), jasminePnpm(), uvuYarn(), nodeTap(),
                pythonUnittest(), pythonPytest(), pythonNose2(), go(), rust(), maven(), makeCheck(), cmake());
    }

    private static final String JS_SUITE = """
            describe('calc', () => {
              it('adds', () => { assert.strictEqual(1 + 1, 2); });
              it('subtracts', () => { assert.strictEqual(3 - 1, 2); });
              it('multiplies', () => { assert.strictEqual(2 * 3, 7); });
              it.skip('divides', () => {});
            });
            it('negates', () => { assert.strictEqual(-(-1), 1); });
            """;

    static CorpusRepositories mocha() {
        return new CorpusRepositories("node-npm-mocha", "mocha", "nodejs", Map.of(
                "package.json", pkg("\"test\": \"mocha\"", "\"mocha\": \"^11.0.0\""),
                "test/calc.test.js", "const assert = require('assert');\n" + JS_SUITE),
                3, 1, 1, List.of("multiplies"));
    }

    static CorpusRepositories jest() {
        return new CorpusRepositories("node-npm-jest", "jest", "nodejs", Map.of(
                "package.json", pkg("\"test\": \"jest --ci\"", "\"jest\": \"^30.0.0\""),
                "calc.test.js", "const assert = require('assert');\n" + JS_SUITE.replace("it.skip(", "test.skip(")),
                3, 1, 1, List.of("multiplies"));
    }

    static CorpusRepositories vitest() {
        return new CorpusRepositories("node-npm-vitest", "vitest", "nodejs", Map.of(
                "package.json", pkg("\"test\": \"vitest run\"", "\"vitest\": \"^4.0.0\""),
                "calc.test.mjs", "import { describe, it } from 'vitest';\nimport assert from 'node:assert';\n" + JS_SUITE),
                3, 1, 1, List.of("calc > multiplies"));
    }

    static CorpusRepositories ava() {
        // a chained script, as with a linter first: the report flag reaches ava, the last command
        return new CorpusRepositories("node-npm-ava", "ava", "nodejs", Map.of(
                "package.json", "{\"name\":\"calc\",\"version\":\"1.0.0\",\"private\":true,\"type\":\"module\","
                        + "\"scripts\":{\"test\":\"node --check calc.test.js && ava\"},"
                        + "\"devDependencies\":{\"ava\":\"^6.0.0\"}}\n",
                "calc.test.js", """
                        import test from 'ava';
                        test('adds', t => { t.is(1 + 1, 2); });
                        test('subtracts', t => { t.is(3 - 1, 2); });
                        test('multiplies', t => { t.is(2 * 3, 7); });
                        test.skip('divides', t => { t.pass(); });
                        test('negates', t => { t.is(-(-1), 1); });
                        """),
                3, 1, 1, List.of("multiplies"));
    }

    static CorpusRepositories nodeTest() {
        return new CorpusRepositories("node-npm-node-test", "node:test", "nodejs", Map.of(
                "package.json", "{\"name\":\"calc\",\"version\":\"1.0.0\",\"private\":true,"
                        + "\"scripts\":{\"test\":\"node --test\"}}\n",
                "test/calc.test.js", "const { describe, it } = require('node:test');\nconst assert = require('assert');\n"
                        + JS_SUITE),
                3, 1, 1, List.of("multiplies"));
    }

    static CorpusRepositories jasminePnpm() {
        return new CorpusRepositories("node-pnpm-jasmine", "jasmine", "nodejs", Map.of(
                "package.json", "{\"name\":\"calc\",\"version\":\"1.0.0\",\"private\":true,"
                        + "\"packageManager\":\"pnpm@9.15.9\",\"scripts\":{\"test\":\"jasmine spec/calc.spec.js\"},"
                        + "\"devDependencies\":{\"jasmine\":\"^5.0.0\"}}\n",
                "spec/calc.spec.js", """
                        describe('calc', () => {
                          it('adds', () => { expect(1 + 1).toBe(2); });
                          it('subtracts', () => { expect(3 - 1).toBe(2); });
                          it('multiplies', () => { expect(2 * 3).toBe(7); });
                          xit('divides', () => {});
                        });
                        it('negates', () => { expect(-(-1)).toBe(1); });
                        """),
                3, 1, 1, List.of("calc multiplies"));
    }

    static CorpusRepositories uvuYarn() {
        return new CorpusRepositories("node-yarn-uvu", "uvu", "nodejs", Map.of(
                "package.json", "{\"name\":\"calc\",\"version\":\"1.0.0\",\"private\":true,"
                        + "\"packageManager\":\"yarn@1.22.22\",\"scripts\":{\"test\":\"uvu tests\"},"
                        + "\"devDependencies\":{\"uvu\":\"^0.5.6\"}}\n",
                "tests/calc.test.mjs", """
                        import { suite, test } from 'uvu';
                        import * as assert from 'uvu/assert';
                        const calc = suite('calc');
                        calc('adds', () => { assert.is(1 + 1, 2); });
                        calc('subtracts', () => { assert.is(3 - 1, 2); });
                        calc('multiplies', () => { assert.is(2 * 3, 7); });
                        calc.skip('divides', () => {});
                        calc.run();
                        test('negates', () => { assert.is(-(-1), 1); });
                        test.run();
                        """),
                3, 1, 1, List.of("multiplies"));
    }

    static CorpusRepositories nodeTap() {
        return new CorpusRepositories("node-npm-tap", "tap", "nodejs", Map.of(
                "package.json", pkg("\"test\": \"tap --disable-coverage\"", "\"tap\": \"^21.0.0\""),
                "test/calc.test.js", """
                        const t = require('tap');
                        t.test('calc', t => {
                          t.equal(1 + 1, 2, 'adds');
                          t.equal(3 - 1, 2, 'subtracts');
                          t.equal(2 * 3, 7, 'multiplies');
                          t.skip('divides');
                          t.end();
                        });
                        t.equal(-(-1), 1, 'negates');
                        """),
                3, 1, 1, List.of("multiplies"));
    }

    static CorpusRepositories pythonUnittest() {
        // docstrings and a doctest put results on a second line: the undercount of issue 20
        return new CorpusRepositories("python-unittest", "unittest", "python", Map.of(
                "pyproject.toml", "[project]\nname = \"calc\"\nversion = \"1.0.0\"\n",
                "calc.py", "def add(a, b):\n    \"\"\"\n    >>> add(1, 2)\n    3\n    \"\"\"\n    return a + b\n",
                "test_calc.py", """
                        import doctest, unittest, calc

                        def load_tests(loader, tests, ignore):
                            tests.addTests(doctest.DocTestSuite(calc))
                            return tests

                        class CalcTest(unittest.TestCase):
                            def test_adds(self):
                                \"""Adds two numbers.\"""
                                self.assertEqual(calc.add(1, 2), 3)

                            def test_prints(self):
                                print("some output")
                                self.assertTrue(True)

                            def test_multiplies(self):
                                \"""Multiplies
                                two numbers.\"""
                                self.assertEqual(2 * 3, 7)

                            @unittest.skip("not yet")
                            def test_divides(self):
                                pass
                        """),
                3, 1, 1, List.of("test_multiplies"));
    }

    static CorpusRepositories pythonPytest() {
        return new CorpusRepositories("python-pytest", "pytest", "python", Map.of(
                "pyproject.toml", "[project]\nname = \"calc\"\nversion = \"1.0.0\"\n\n[tool.pytest.ini_options]\n"
                        + "testpaths = [\"tests\"]\n",
                "tests/test_calc.py", """
                        import pytest

                        def test_adds():
                            assert 1 + 1 == 2

                        def test_subtracts():
                            assert 3 - 1 == 2

                        def test_multiplies():
                            assert 2 * 3 == 7

                        @pytest.mark.skip(reason="not yet")
                        def test_divides():
                            pass

                        @pytest.mark.parametrize("x", [1])
                        def test_negates(x):
                            assert -(-x) == x
                        """),
                3, 1, 1, List.of("test_multiplies"));
    }

    static CorpusRepositories pythonNose2() {
        // nose2's own shapes: test functions (their id is dotted, without parentheses), a parameter set,
        // a docstring, a test that prints before its line, and a failing function's "FAIL: mod.test_x"
        return new CorpusRepositories("python-nose2", "nose2", "python", Map.of(
                "pyproject.toml", "[project]\nname = \"calc\"\nversion = \"1.0.0\"\n",
                "nose2.cfg", "[unittest]\nstart-dir = tests\n",
                "tests/__init__.py", "",
                "tests/test_calc.py", """
                        import unittest

                        from nose2.tools import params


                        class CalcTest(unittest.TestCase):
                            def test_adds(self):
                                \"""Adds two numbers.\"""
                                self.assertEqual(1 + 1, 2)

                            @unittest.skip("not yet")
                            def test_divides(self):
                                pass


                        def test_subtracts():
                            \"""Subtracts.\"""
                            assert 3 - 1 == 2


                        def test_multiplies():
                            print("some output")
                            assert 2 * 3 == 7


                        @params(1)
                        def test_negates(x):
                            assert -(-x) == x
                        """),
                3, 1, 1, List.of("test_multiplies"));
    }

    static CorpusRepositories go() {
        return new CorpusRepositories("go-module", "go test", "go", Map.of(
                "go.mod", "module example.com/calc\n\ngo 1.22\n",
                "calc_test.go", """
                        package calc

                        import "testing"

                        func TestAdds(t *testing.T) {
                        	if 1+1 != 2 {
                        		t.Fatal("wrong")
                        	}
                        }

                        func TestSubtracts(t *testing.T) {
                        	t.Run("positive", func(t *testing.T) {})
                        	t.Run("negative", func(t *testing.T) {})
                        }

                        func TestMultiplies(t *testing.T) {
                        	if 2*3 != 7 {
                        		t.Errorf("2*3 = %d, want 7", 2*3)
                        	}
                        }

                        func TestDivides(t *testing.T) {
                        	t.Skip("not yet")
                        }
                        """),
                3, 1, 1, List.of("TestMultiplies"));
    }

    static CorpusRepositories rust() {
        return new CorpusRepositories("rust-crate", "cargo", "rust", Map.of(
                "Cargo.toml", "[package]\nname = \"calc\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
                "src/lib.rs", """
                        #[cfg(test)]
                        mod tests {
                            #[test]
                            fn adds() { assert_eq!(1 + 1, 2); }
                            #[test]
                            fn subtracts() { assert_eq!(3 - 1, 2); }
                            #[test]
                            fn negates() { assert_eq!(-(-1), 1); }
                            #[test]
                            fn multiplies() { assert_eq!(2 * 3, 7); }
                            #[test]
                            #[ignore]
                            fn divides() {}
                        }
                        """),
                3, 1, 1, List.of("tests::multiplies"));
    }

    static CorpusRepositories maven() {
        return new CorpusRepositories("maven-junit5", "surefire", "maven", Map.of(
                "pom.xml", """
                        <project xmlns="http://maven.apache.org/POM/4.0.0">
                          <modelVersion>4.0.0</modelVersion>
                          <groupId>example</groupId>
                          <artifactId>calc</artifactId>
                          <version>1.0</version>
                          <properties>
                            <maven.compiler.release>17</maven.compiler.release>
                            <project.build.sourceEncoding>UTF-8</project.build.sourceEncoding>
                          </properties>
                          <dependencies>
                            <dependency>
                              <groupId>org.junit.jupiter</groupId>
                              <artifactId>junit-jupiter</artifactId>
                              <version>5.11.4</version>
                              <scope>test</scope>
                            </dependency>
                          </dependencies>
                          <build>
                            <plugins>
                              <plugin>
                                <artifactId>maven-surefire-plugin</artifactId>
                                <version>3.5.2</version>
                              </plugin>
                            </plugins>
                          </build>
                        </project>
                        """,
                "src/test/java/calc/CalcTest.java", """
                        package calc;

                        import static org.junit.jupiter.api.Assertions.assertEquals;
                        import org.junit.jupiter.api.Disabled;
                        import org.junit.jupiter.api.Test;

                        class CalcTest {
                            @Test void adds() { assertEquals(2, 1 + 1); }
                            @Test void subtracts() { assertEquals(2, 3 - 1); }
                            @Test void negates() { assertEquals(1, -(-1)); }
                            @Test void multiplies() { assertEquals(7, 2 * 3); }
                            @Disabled("not yet") @Test void divides() { }
                        }
                        """),
                3, 1, 1, List.of("multiplies"));
    }

    static CorpusRepositories makeCheck() {
        return new CorpusRepositories("make-check-tap", "", "make", Map.of(
                "Makefile", "all:\n\t@true\n\ncheck: all\n\t@sh tests/run.sh\n",
                "tests/run.sh", """
                        echo "TAP version 13"
                        echo "1..5"
                        echo "ok 1 - adds"
                        echo "ok 2 - subtracts"
                        echo "not ok 3 - multiplies"
                        echo "ok 4 - divides # SKIP not yet"
                        echo "ok 5 - negates"
                        exit 1
                        """),
                3, 1, 1, List.of("multiplies"));
    }

    static CorpusRepositories cmake() {
        // configured and built by the install step (cmake -S . -B build, cmake --build build), then ctest
        // with its JUnit report; skipped by SKIP_RETURN_CODE (divides) and by the DISABLED property (modulo)
        return new CorpusRepositories("cmake-ctest", "ctest", "make", Map.of(
                "CMakeLists.txt", """
                        cmake_minimum_required(VERSION 3.16)
                        project(calc C)
                        enable_testing()
                        add_library(calc calc.c)
                        add_executable(calc_test tests/calc_test.c)
                        target_link_libraries(calc_test PRIVATE calc)
                        foreach(name adds subtracts negates multiplies divides modulo)
                          add_test(NAME ${name} COMMAND calc_test ${name})
                        endforeach()
                        # 77: the automake convention for "skipped"
                        set_tests_properties(divides PROPERTIES SKIP_RETURN_CODE 77)
                        set_tests_properties(modulo PROPERTIES DISABLED TRUE)
                        """,
                "calc.h", "int add(int a, int b);\nint multiply(int a, int b);\n",
                "calc.c", "#include \"calc.h\"\n\nint add(int a, int b) { return a + b; }\n"
                        + "int multiply(int a, int b) { return a * b; }\n",
                "tests/calc_test.c", """
                        #include <stdio.h>
                        #include <string.h>
                        #include "../calc.h"

                        int main(int argc, char **argv) {
                            const char *name = argc > 1 ? argv[1] : "";
                            if (strcmp(name, "adds") == 0) return add(1, 1) == 2 ? 0 : 1;
                            if (strcmp(name, "subtracts") == 0) return add(3, -1) == 2 ? 0 : 1;
                            if (strcmp(name, "negates") == 0) return multiply(-1, -1) == 1 ? 0 : 1;
                            if (strcmp(name, "multiplies") == 0) {
                                if (multiply(2, 3) != 7) {
                                    printf("multiply(2, 3) = %d, want 7\\n", multiply(2, 3));
                                    return 1;
                                }
                                return 0;
                            }
                            if (strcmp(name, "divides") == 0) {
                                printf("not yet\\n");
                                return 77;
                            }
                            fprintf(stderr, "unknown test %s\\n", name);
                            return 2;
                        }
                        """),
                3, 1, 2, List.of("multiplies"));
    }

    private static String pkg(String scripts, String devDependencies) {
        return "{\"name\":\"calc\",\"version\":\"1.0.0\",\"private\":true,\"scripts\":{" + scripts + "},"
                + "\"devDependencies\":{" + devDependencies + "}}\n";
    }
}
