const test = require('node:test');
const assert = require('node:assert');
test('runs on node 22', () => assert.strictEqual(process.versions.node.split('.')[0], '22'));
