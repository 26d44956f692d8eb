'use strict';
const { test, describe } = require('node:test');
const assert = require('node:assert');
const calc = require('../src/calc');

test('adds', () => assert.strictEqual(calc.add(2, 3), 5));
describe('calc', () => {
  test('subtracts', () => assert.strictEqual(calc.sub(5, 3), 2));
  test('multiplies', () => assert.strictEqual(calc.mul(2, 3), 6));
});
test('is skipped', { skip: 'not yet' }, () => {});
