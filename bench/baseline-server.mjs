// The yardstick: a bare node:http + better-sqlite3 server doing the same SQL as Peer Polls for
// "read results" and "cast a vote", with nothing else (no framework, validation or cookies).
// Usage: node bench/baseline-server.mjs <sqlite file> <port>
import { createServer } from 'node:http';
import Database from 'better-sqlite3';

const [file, port] = process.argv.slice(2);
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = FULL');
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');

const findPoll = db.prepare('select * from polls where slug = ?');
const optionsOf = db.prepare('select * from poll_options where poll_id = ? order by position');
const insertVote = db.prepare(
  'insert into votes (poll_id, created_at, source, device_key) values (?, ?, ?, ?) returning id',
);
const countOption = db.prepare('update poll_options set votes = votes + 1 where poll_id = ? and id = ?');
const insertChoice = db.prepare('insert into vote_choices (vote_id, option_id) values (?, ?)');
const countResponse = db.prepare('update polls set response_count = response_count + 1, updated_at = ? where id = ?');
const record = db.transaction((pollId, optionIds, now) => {
  const { id } = insertVote.get(pollId, now, 'api', null);
  for (const optionId of optionIds) countOption.run(pollId, optionId);
  for (const optionId of optionIds) insertChoice.run(id, optionId);
  countResponse.run(now, pollId);
});

const Z = 1.959964;
function wilson(k, n) {
  if (n === 0) return { low: 0, high: 1 };
  const p = k / n;
  const d = 1 + (Z * Z) / n;
  const c = (p + (Z * Z) / (2 * n)) / d;
  const h = (Z * Math.sqrt((p * (1 - p)) / n + (Z * Z) / (4 * n * n))) / d;
  return { low: Math.max(0, c - h), high: Math.min(1, c + h) };
}

function results(poll) {
  const n = poll.response_count;
  return {
    slug: poll.slug,
    totalResponses: n,
    options: optionsOf.all(poll.id).map((o) => ({
      key: o.key,
      label: o.label,
      votes: o.votes,
      share: n ? o.votes / n : 0,
      ci95: wilson(o.votes, n),
    })),
  };
}

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

createServer((req, res) => {
  const match = /^\/api\/polls\/([a-z0-9-]+)\/(results|votes)$/.exec(req.url ?? '');
  const poll = match && findPoll.get(match[1]);
  if (!poll) return send(res, 404, { error: { code: 'poll_not_found' } });
  if (match[2] === 'results') return send(res, 200, results(poll));
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    const { choices } = JSON.parse(body);
    const options = optionsOf.all(poll.id);
    const ids = choices.map((key) => options.find((o) => o.key === key).id);
    record(poll.id, ids, Date.now());
    send(res, 201, { accepted: true, results: results(findPoll.get(poll.slug)) });
  });
}).listen(Number(port), '127.0.0.1');
