// The board's logic, kept apart from HTTP so that test.js can check it without a server.
'use strict';

function validate(event) {
  if (!event || typeof event.title !== 'string' || event.title.trim() === '') {
    throw new Error('an event needs a title');
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(String(event.when || ''))) {
    throw new Error('an event needs a date, as YYYY-MM-DD');
  }
  return { title: event.title.trim(), when: event.when, where: String(event.where || 'TBC') };
}

function create(initial) {
  const items = initial.map(validate);
  return {
    list: () => [...items].sort((a, b) => a.when.localeCompare(b.when)),
    add: (event) => { const ok = validate(event); items.push(ok); return ok; },
  };
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function render(page, events, title) {
  const rows = events
    .map((e) => `<li><strong>${escape(e.title)}</strong> on ${escape(e.when)} at ${escape(e.where)}</li>`)
    .join('\n');
  return page.replace('{{title}}', escape(title || 'Bulletin board')).replace('{{events}}', rows);
}

module.exports = { create, render, validate };
