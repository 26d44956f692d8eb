'use strict';

const { describe, test } = require('node:test');
const assert = require('node:assert');
const calc = require('../src/calculator');

describe('arithmetic', () => {
  test('adds two numbers', () => assert.strictEqual(calc.add(2, 3), 5));
  test('subtracts two numbers', () => assert.strictEqual(calc.subtract(5, 3), 2));
  test('multiplies two numbers', () => assert.strictEqual(calc.multiply(4, 2.5), 10));
  test('divides two numbers', () => assert.strictEqual(calc.divide(9, 3), 3));
  test('refuses to divide by zero', () => assert.throws(() => calc.divide(1, 0), RangeError));
});

describe('expressions', () => {
  test('respects operator precedence', () => assert.strictEqual(calc.evaluate('2 + 3 * 4'), 14));
  test('evaluates left to right', () => assert.strictEqual(calc.evaluate('10 - 4 - 3'), 3));
  test('rejects garbage', () => assert.throws(() => calc.evaluate('2 +'), SyntaxError));
});
