'use strict';
const { test } = require('node:test');
const assert = require('node:assert');

test('alpha adds', () => assert.strictEqual(2 + 3, 5));
test('alpha joins', () => assert.strictEqual(['a', 'b'].join(''), 'ab'));
test('alpha later', { skip: 'not yet' }, () => {});
