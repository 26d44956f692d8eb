'use strict';
// a stand-in for a linter run before the tests: it finds a problem and fails
console.error('test/calc.test.js: 1 problem (no-unused-vars)');
process.exit(1);
