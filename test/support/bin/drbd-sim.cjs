#!/usr/bin/env node
// A DRBD 8.4 stand-in for contract tests, installed as drbdadm, drbdsetup (and logger) on a scratch PATH.
// It keeps the resource state in $DRBD_SIM_STATE, answers the few drbdadm commands block-drbd runs
// with the same stdout/stderr/exit codes real drbd-utils prints (texts from test/fixtures/drbd84,
// captured in the lab), and renders /proc/drbd as 8.4 does. The lab runs the real thing.
// Like drbd-utils, it reads `all` as every resource and drbdadm's `minor-N` as the volume with
// minor N (drbdadm_main.c, ctx_by_minor), so a test can show what such a name would reach.
// `ignoresRoleChange` / `ignoresNetOptions` on a resource: the command exits 0 and changes nothing
// (for tests of the read-back after every state change).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const statePath = process.env.DRBD_SIM_STATE;
const state = JSON.parse(fs.readFileSync(statePath, 'utf8'));
const tool = path.basename(process.argv[1]);
const args = process.argv.slice(2);
fs.appendFileSync(`${statePath}.calls`, `${[tool, ...args].join(' ')}\n`);

// Whole-file replacement (write + rename): tests poll these files while the stand-in runs.
function writeAtomically(file, text) {
  fs.writeFileSync(`${file}.${process.pid}`, text);
  fs.renameSync(`${file}.${process.pid}`, file);
}

function renderProcDrbd() {
  const lines = ['version: 8.4.11 (api:1/proto:86-101)', 'srcversion: F73C670A7EC572DB9CF3E5B '];
  for (const r of Object.values(state.resources)) {
    r.minors.forEach((minor, i) => {
      lines.push(
        `${String(minor).padStart(2)}: cs:${r.cs} ro:${r.role}/${r.peerRole} ds:${r.disks[i]}/${r.peerDisks[i]} C r-----`,
        '    ns:0 nr:0 dw:0 dr:0 al:0 bm:0 lo:0 pe:0 ua:0 ap:0 ep:1 wo:f oos:0',
      );
    });
  }
  writeAtomically(state.procDrbd, `${lines.join('\n')}\n`);
}

function save() {
  writeAtomically(statePath, JSON.stringify(state, null, 2));
  renderProcDrbd();
}

// Replays a real drbd-utils/DRBD 8.4 answer captured in the lab, for this resource's first minor.
function replay(fixture) {
  const base = path.join(__dirname, '..', '..', 'fixtures', 'drbd84', fixture);
  const rc = Number(fs.readFileSync(`${base}.rc`, 'utf8'));
  const minor = String(r.minors[0]);
  let stderr = fs
    .readFileSync(`${base}.stderr`, 'utf8')
    .replace(/^0:/gm, `${minor}:`)
    .replace(/ 0' terminated/g, ` ${minor}' terminated`);
  // That line is drbdadm's report on the drbdsetup-84 it ran; drbdsetup-84 itself prints the rest.
  if (tool === 'drbdsetup-84') stderr = stderr.replace(/^Command '.*\n/gm, '');
  exit(rc, fs.readFileSync(`${base}.stdout`, 'utf8'), stderr);
}

// A drbdsetup blocked in a fence-peer handler, as drbdadm's child: it inherits our stdout and stderr,
// writes its pid to $DRBD_SIM_STATE.hung and sleeps; we wait for it, as drbdadm does.
function hang() {
  require('node:child_process').spawnSync('/bin/sh', ['-c', 'echo $$ >> "$0"; exec sleep 300', `${statePath}.hung`], { stdio: 'inherit' });
  exit(1, '', 'the stand-in hang ended\n');
}

function exit(code, stdout = '', stderr = '') {
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exit(code);
}

renderProcDrbd(); // tests change the state file between calls; only a state change rewrites it

if (tool === 'logger') {
  const msg = fs.readFileSync(0, 'utf8');
  fs.appendFileSync(`${statePath}.syslog`, `${args.join(' ')}: ${msg}`);
  exit(0);
}

if (tool === 'drbdadm' && args[0] === 'sh-resources') exit(0, `${Object.keys(state.resources).join(' ')}\n`);

// drbdsetup-84 as block-drbd calls it directly: `show RES`, and role/net changes by minor and address.
if (tool === 'drbdsetup-84') {
  const [command, target] = args;
  // show names the resource, primary/secondary a minor, net-options the local address.
  if (command === 'show' && target === 'all') {
    exit(
      0,
      Object.entries(state.resources)
        .map(([n, res], i) => renderShow(n, res, 7789 + i))
        .join(''),
    );
  }
  const entry = Object.entries(state.resources).find(
    ([name, res], i) => name === target || res.minors.map(String).includes(target) || target === `ipv4:10.0.0.1:${7789 + i}`,
  );
  // As real `show` of a resource that is not up (lab probe: exit 20).
  if (entry === undefined || entry[1].cs === 'Unconfigured') exit(20, '', 'received netlink error reply: No such device\n');
  const [name, res] = entry;
  if (command === 'show') exit(0, renderShow(name, res, 7789 + Object.keys(state.resources).indexOf(name)));
  const netOptions = /^ipv4:/.test(target) ? args.slice(3) : [];
  args.splice(0, args.length, command === 'net-options' ? 'net-options' : command, ...netOptions, name);
}

// The shape of 8.4's `drbdsetup show` (test/fixtures/drbd84/drbdsetup_show_r1.stdout).
function renderShow(name, res, port) {
  const volumes = res.minors.map((minor, i) => [
    `        volume ${i} {`,
    `            device\t\t\tminor ${minor};`,
    `            disk\t\t\t"/dev/loop${minor}";`,
    '            meta-disk\t\t\tinternal;',
    '        }',
  ]);
  return [
    `resource ${name} {`,
    '    options {',
    '    }',
    '    net {',
    ...(res.twoPrimaries ? ['        allow-two-primaries\tyes;'] : []),
    // Without a connection (StandAlone) 8.4 has no addresses to show.
    ...(res.cs === 'StandAlone' ? [] : ['    _remote_host {', `        address\t\t\tipv4 10.0.0.2:${port};`, '    }']),
    '    _this_host {',
    ...(res.cs === 'StandAlone' ? [] : [`        address\t\t\tipv4 10.0.0.1:${port};`]),
    ...volumes.flat(),
    '    }',
    '}',
    '',
  ].join('\n');
}

const [command, ...rest] = args.filter((a) => !a.startsWith('--'));
const options = args.filter((a) => a.startsWith('--'));
const target = rest[0] ?? '';

// The whole configuration, in the shape of real dump-xml (test/fixtures/drbd84/drbdadm_dump_xml_r0.stdout
// inside drbd-utils 9.22's <config> root, test/fixtures/drbd-utils-9.22-nomodule): this host, then the peer.
if (tool === 'drbdadm' && command === 'dump-xml') {
  const host = (name, address, res) => [
    `        <host name="${name}">`,
    ...res.minors.flatMap((minor, vnr) => [
      `            <volume vnr="${vnr}">`,
      `                <device minor="${minor}">/dev/drbd${minor}</device>`,
      `                <disk>/dev/loop${minor}</disk>`,
      '                <meta-disk>internal</meta-disk>',
      '            </volume>',
    ]),
    `            <address family="ipv4" port="7789">${address}</address>`,
    '        </host>',
  ];
  const resources = Object.entries(state.resources).flatMap(([name, res]) => [
    `    <resource name="${name}" conf-file-line="/etc/drbd.d/${name}.res:1">`,
    ...host(require('node:os').hostname(), '10.0.0.1', res),
    ...host('bravo', '10.0.0.2', res),
    '    </resource>',
  ]);
  exit(0, ['<config file="/etc/drbd.conf">', '    <common>', '    </common>', ...resources, '</config>', ''].join('\n'));
}

// [name, volume] pairs the target names, as drbdadm resolves it.
function resolve(t) {
  if (t === 'all') return Object.keys(state.resources).map((n) => [n, undefined]);
  const [n, v] = t.split('/');
  if (state.resources[n] !== undefined) return [[n, v]];
  const minor = /^minor-(\d+)$/.exec(t);
  const owner = minor && Object.entries(state.resources).find(([, res]) => res.minors.includes(Number(minor[1])));
  return owner ? [[owner[0], String(owner[1].minors.indexOf(Number(minor[1])))]] : [];
}
const targets = resolve(target);
if (targets.length === 0) exit(1, '', `'${target.split('/')[0]}' not defined in your config (for this host).\n`); // as drbdadm_sh_dev_nosuch
let r = state.resources[targets[0][0]];

const allUpToDate = (disks) => disks.every((d) => d === 'UpToDate');
if (tool === 'drbdsetup') {
  if (command !== 'show') exit(1, '', `drbdsetup: unknown command '${command}'\n`);
  replay(r.twoPrimaries ? 'drbdsetup_show_r0_allow_two_primaries' : 'drbdsetup_show_r0');
}

if (command === 'sh-dev') {
  exit(
    0,
    `${targets.flatMap(([n, v]) => (v === undefined ? state.resources[n].devices : [state.resources[n].devices[Number(v)]])).join('\n')}\n`,
  );
}
if (command === 'dump') exit(0, r.dump);
if (!['primary', 'secondary', 'net-options'].includes(command)) exit(1, '', `drbdadm: Unknown command '${command}'\n`);
// drbdadm runs the command on each resource in turn and stops at the first refusal.
for (const [n] of targets) {
  r = state.resources[n];
  change(command);
  save();
}
exit(0);

function change(cmd) {
  switch (cmd) {
    case 'primary': {
      if (r.hangOnPrimary) hang();
      if (r.primaryError) exit(11, '', r.primaryError);
      if (r.primaryDelayMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, r.primaryDelayMs);
      if (r.peerRole === 'Primary' && !r.twoPrimaries) replay('drbdadm_primary_peer_primary');
      const connected = !['StandAlone', 'WFConnection', 'Unconnected'].includes(r.cs);
      if (!allUpToDate(r.disks) && !(connected && allUpToDate(r.peerDisks))) replay('drbdadm_primary_outdated_wfconnection');
      if (!r.ignoresRoleChange) r.role = 'Primary';
      return;
    }
    case 'secondary':
      if (r.heldOpen > 0) {
        r.heldOpen -= 1;
        save();
        replay('drbdadm_secondary_held_open');
      }
      if (!r.ignoresRoleChange) r.role = 'Secondary';
      return;
    case 'net-options':
      if (!r.ignoresNetOptions) r.twoPrimaries = options.includes('--allow-two-primaries=yes');
      return;
  }
}
