// Command agent inside each lab dom0 (runs under Debian's nodejs 18; plain CommonJS, no deps).
// POST /run {"cmd": "...", "timeoutMs": 60000, "stdin": "...", "env": {...}} -> {"code","signal","stdout","stderr","ms","timedOut"}
// POST /wait {"path": "/run/lab-jobs/ID/rc", "timeoutMs": 10000} -> {"content": "..." | null}: the file's
//   content once it exists, or null after timeoutMs. Looked at in-process every 100 ms: a job's
//   runner waits on it without a bash per look, which would take dom0's only vCPU from the job.
// GET /health -> "ok". The command runs as `bash -c cmd` in a session of its own with LANG=C; on
// timeout the whole session's group gets SIGKILL. The reply is sent when that bash exits
// (background children may keep writing: their output after it is not read).
//
// The agent never forks itself: a fork of this ~50 MB Node process costs ~430 ms in a PV dom0
// under TCG (its page tables are copied through Xen). A small perl started once (forker.pl, beside
// this file) starts every command: the agent writes the request's files into a folder under
// /run/agent-requests (not /run/lab-*, which reset.sh empties), hands the folder's path to the
// forker, and reads "<folder> <exit code>" back when the command is done
// (test/lab/README.md "The agent's forks").
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');
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
  // For a test that must kill the agent itself (LAB_INJECT_AGENT_KILL): a command's parent is not it.
  LAB_AGENT_PID: String(process.pid),
};

// LAB_AGENT_DIR: another folder, for the agent's own test on the runner.
const REQUESTS = process.env.LAB_AGENT_DIR || '/run/agent-requests';
fs.rmSync(REQUESTS, { recursive: true, force: true });
fs.mkdirSync(REQUESTS, { recursive: true });

/** Folder → what to do with the exit code, for every command the forker runs. */
const running = new Map();
let forker;
function startForker() {
  forker = spawn('/usr/bin/perl', [path.join(__dirname, 'forker.pl')], { env: baseEnv, stdio: ['pipe', 'pipe', 'inherit'] });
  let buf = '';
  forker.stdout.setEncoding('utf8');
  forker.stdout.on('data', (d) => {
    buf += d;
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const [dir, rc] = buf.slice(0, nl).split(' ');
      buf = buf.slice(nl + 1);
      running.get(dir)?.(Number(rc));
    }
  });
  forker.stdin.on('error', () => {});
  forker.on('exit', (code, signal) => {
    console.error(`agent: the forker exited (code ${code}, signal ${signal}); starting another`);
    for (const done of running.values()) done(null, "the agent's forker exited");
    startForker();
  });
}
startForker();

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
let seq = 0;

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
  const env = Object.entries(spec.env || {});
  const bad = env.find(([k]) => !ENV_NAME.test(k));
  if (bad) {
    res.writeHead(400).end(`bad env name ${JSON.stringify(bad[0])}`);
    return;
  }
  // The env file ends each NAME=value with a NUL, which no environment value can hold.
  const nul = env.find(([, v]) => String(v).includes('\0'));
  if (nul) {
    res.writeHead(400).end(`bad env value for ${nul[0]}: a NUL`);
    return;
  }
  const started = Date.now();
  const dir = path.join(REQUESTS, `${process.pid}-${++seq}`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'cmd'), String(spec.cmd));
  fs.writeFileSync(path.join(dir, 'stdin'), spec.stdin || '');
  fs.writeFileSync(path.join(dir, 'env'), env.map(([k, v]) => `${k}=${v}\0`).join(''));
  const read = (name) => {
    try {
      return fs.readFileSync(path.join(dir, name), 'utf8');
    } catch {
      return '';
    }
  };
  let timedOut = false;
  const reply = (code, failure) => {
    if (!running.has(dir)) return;
    running.delete(dir);
    clearTimeout(timer);
    const payload = JSON.stringify({
      code,
      signal: timedOut ? 'SIGKILL' : null,
      timedOut,
      ms: Date.now() - started,
      stdout: read('out'),
      stderr: read('err') + (failure ? `agent: ${failure}\n` : ''),
    });
    fs.rmSync(dir, { recursive: true, force: true });
    res.writeHead(200, { 'content-type': 'application/json' }).end(payload);
  };
  const timer = setTimeout(
    () => {
      timedOut = true;
      const pid = Number(read('pid'));
      try {
        if (pid > 1) process.kill(-pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      reply(null, pid > 1 ? undefined : 'the command had not started');
    },
    Number(spec.timeoutMs || 60000),
  );
  running.set(dir, reply);
  forker.stdin.write(`${dir}\n`);
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
