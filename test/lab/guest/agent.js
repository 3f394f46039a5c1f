// Command agent inside each lab dom0 (runs under Debian's nodejs 18; plain CommonJS, no deps).
// POST /run {"cmd": "...", "timeoutMs": 60000, "stdin": "..."} -> {"code","signal","stdout","stderr","ms","timedOut"}
// POST /wait {"path": "/run/lab-jobs/ID/rc", "timeoutMs": 10000} -> {"content": "..." | null}: the file's
//   content once it exists, or null after timeoutMs. Looked at in-process every 100 ms: a job's
//   runner waits on it without a bash per look, which would take dom0's only vCPU from the job.
// GET /health -> "ok". The command runs as `bash -c cmd` in its own process group with LANG=C;
// on timeout the whole group gets SIGKILL. The reply is sent when the shell exits (background
// children that keep stdout open do not hold the reply for more than 300 ms).
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const { spawn } = require('node:child_process');

const port = Number(process.argv[2] || 7000);
process.on('uncaughtException', (e) => console.error(`agent: uncaught exception: ${e && e.stack ? e.stack : e}`));
for (const sig of ['SIGHUP', 'SIGPIPE']) process.on(sig, () => console.error(`agent: ignoring ${sig}`));
process.on('exit', (code) => console.error(`agent: exiting with code ${code}`));
const baseEnv = {
  ...process.env,
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LANG: 'C',
  LC_ALL: 'C',
  HOME: '/root',
};

/** The request's JSON, or undefined after answering 400. */
function parseSpec(res, body) {
  try {
    return JSON.parse(body);
  } catch {
    res.writeHead(400).end('bad json');
    return undefined;
  }
}

function run(req, res, body) {
  const spec = parseSpec(res, body);
  if (spec === undefined) return;
  const started = Date.now();
  const child = spawn('/bin/bash', ['-c', String(spec.cmd)], {
    env: { ...baseEnv, ...(spec.env || {}) },
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const out = [];
  const err = [];
  child.stdout.on('data', (d) => out.push(d));
  child.stderr.on('data', (d) => err.push(d));
  child.stdin.on('error', () => {});
  child.stdin.end(spec.stdin || '');
  let timedOut = false;
  const timer = setTimeout(
    () => {
      timedOut = true;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
    },
    Number(spec.timeoutMs || 60000),
  );
  let replied = false;
  const reply = (code, signal) => {
    if (replied) return;
    replied = true;
    clearTimeout(timer);
    const payload = JSON.stringify({
      code,
      signal,
      timedOut,
      ms: Date.now() - started,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
    });
    res.writeHead(200, { 'content-type': 'application/json' }).end(payload);
  };
  child.on('error', (e) => {
    err.push(Buffer.from(String(e)));
    reply(127, null);
  });
  child.on('exit', (code, signal) => {
    let closed = 0;
    const done = () => reply(code, signal);
    child.stdout.on('close', () => ++closed === 2 && done());
    child.stderr.on('close', () => ++closed === 2 && done());
    setTimeout(done, 300);
  });
}

const JOB_FILE = /^\/run\/lab-jobs\/[A-Za-z0-9-]+\/[a-z]+$/;

function waitFile(req, res, body) {
  const spec = parseSpec(res, body);
  if (spec === undefined) return;
  const path = String(spec.path);
  if (!JOB_FILE.test(path)) {
    res.writeHead(400).end('not a job file');
    return;
  }
  const end = Date.now() + Math.min(Number(spec.timeoutMs || 10000), 60000);
  const look = () => {
    let content = null;
    try {
      content = fs.readFileSync(path, 'utf8');
    } catch {
      /* not there yet */
    }
    if (content !== null || Date.now() >= end) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ content }));
      return;
    }
    setTimeout(look, 100);
  };
  look();
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/health') {
    res.writeHead(200).end('ok');
    return;
  }
  if (req.method === 'POST' && req.url === '/run') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => run(req, res, Buffer.concat(chunks).toString('utf8')));
    return;
  }
  if (req.method === 'POST' && req.url === '/wait') {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => waitFile(req, res, Buffer.concat(chunks).toString('utf8')));
    return;
  }
  res.writeHead(404).end();
});
server.requestTimeout = 0;
server.headersTimeout = 0;
server.listen(port, '0.0.0.0', () => console.log(`agent listening on ${port}`));
