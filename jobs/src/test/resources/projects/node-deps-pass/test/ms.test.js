'use strict';
const { test } = require('node:test');
const assert = require('node:assert');
const ms = require('ms');

test('parses days', () => assert.strictEqual(ms('2 days'), 172800000));
test('formats seconds', () => assert.strictEqual(ms(60000), '1m'));
