'use strict';
const { test } = require('node:test');
const assert = require('node:assert');

test('beta subtracts', () => assert.strictEqual(5 - 3, 2));
test('beta divides', () => assert.strictEqual(6 / 3, 2));
test('beta multiplies', () => assert.strictEqual(2 * 3, 7));
