const test = require('node:test');
const assert = require('node:assert');
test('pads', () => assert.strictEqual(require('left-pad')('1', 3, '0'), '001'));
