const test = require('node:test');
const assert = require('node:assert');
const leftPad = require('left-pad');
const isOdd = require('is-odd');
test('pads', () => assert.strictEqual(leftPad('1', 3, '0'), '001'));
test('odd', () => assert.ok(isOdd(3)));
test('skipped', { skip: true }, () => {});
