'use strict';
const { test } = require('node:test');
const assert = require('node:assert');

test('alpha adds', () => assert.strictEqual(2 + 3, 5));
test('alpha later', { skip: 'not yet' }, () => {});
