// The bulletin board: a list of upcoming events, served as HTML and JSON.
// No dependencies beyond Node itself, so the image needs nothing but the runtime and these files.
'use strict';

const http = require('http');
const fs = require('fs');
const path = require('path');
const board = require('./board');

const port = Number(process.env.PORT || 8080);
const page = fs.readFileSync(path.join(__dirname, 'public', 'index.html'), 'utf8');
const events = board.create([
  { title: 'Pipeline review', when: '2026-12-01', where: 'Room 4' },
  { title: 'Cluster upgrade drill', when: '2026-12-08', where: 'Online' },
]);

function respond(res, status, type, body) {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    return respond(res, 200, 'text/plain', 'ok\n');
  }
  if (req.method === 'GET' && req.url === '/api/events') {
    return respond(res, 200, 'application/json', JSON.stringify(events.list()));
  }
  if (req.method === 'POST' && req.url === '/api/events') {
    let body = '';
    req.on('data', (chunk) => { body += chunk; if (body.length > 10000) req.destroy(); });
    req.on('end', () => {
      try {
        const added = events.add(JSON.parse(body));
        respond(res, 201, 'application/json', JSON.stringify(added));
      } catch (err) {
        respond(res, 400, 'application/json', JSON.stringify({ error: err.message }));
      }
    });
    return undefined;
  }
  if (req.method === 'GET' && req.url === '/') {
    return respond(res, 200, 'text/html', board.render(page, events.list(), process.env.BOARD_TITLE));
  }
  return respond(res, 404, 'text/plain', 'not found\n');
});

server.listen(port, () => console.log(`bulletin board listening on port ${port}`));
