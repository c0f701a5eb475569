// Unit tests of the board, run by the pipeline's Test stage: `node test.js`.
'use strict';

const assert = require('assert');
const board = require('./board');

const events = board.create([{ title: 'B', when: '2026-02-01' }, { title: 'A', when: '2026-01-01' }]);
assert.deepStrictEqual(events.list().map((e) => e.title), ['A', 'B'], 'events are listed by date');
assert.throws(() => events.add({ title: '', when: '2026-01-01' }), /needs a title/);
assert.throws(() => events.add({ title: 'x', when: 'soon' }), /needs a date/);
assert.strictEqual(events.add({ title: 'C', when: '2026-03-01' }).where, 'TBC');
const html = board.render('<h1>{{title}}</h1><ul>{{events}}</ul>', [{ title: '<b>', when: '2026-01-01', where: 'x' }]);
assert.ok(html.includes('&#60;b&#62;'), 'titles are escaped');
console.log('board: all tests passed');
