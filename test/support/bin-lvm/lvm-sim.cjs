#!/usr/bin/env node
// An lvm2 STAND-IN for contract tests, installed as pvs, vgs, lvs, pvcreate, vgcreate, vgremove,
// lvcreate, lvremove, lvextend, lvchange and vgchange on a scratch PATH. Not LVM: a small stateful
// model of the metadata the SR driver reads and writes, in the JSON file $LVM_SIM_STATE, shared by
// the two simulated hosts (the DRBD device is one disk), plus per-host activation (dm tables are per
// host; $LVM_SIM_HOST names the caller). It answers only the argv forms of src/lvm/argv.ts, with the
// stdout/stderr/exit codes real lvm2 2.03.16 printed for them (test/unit/lvm/fixtures/lvm2-2.03.16/,
// captured by capture.sh and capture-writes.sh; test/unit/support/lvm-sim.test.ts holds the two
// side by side). A device is visible only while the DRBD stand-in ($DRBD_SIM_STATE) has it Primary:
// DRBD 8.4 refuses opens on a Secondary, so LVM does not see the PV there. Everything else about
// LVM (locking, caching, filters, activation through device-mapper) is the lab's to prove.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const statePath = process.env.LVM_SIM_STATE;
const host = process.env.LVM_SIM_HOST || 'host';
const state = JSON.parse(fs.readFileSync(statePath, 'utf8'));
const tool = path.basename(process.argv[1]);
const argv = process.argv.slice(2);
fs.appendFileSync(`${statePath}.calls`, `${host}: ${[tool, ...argv].join(' ')}\n`);

const MiB = 1024 * 1024;
const EXTENT = 4 * MiB;
// pvcreate --metadatasize 10M on 200 MiB left 197132288 bytes (47 extents) for the VG: 12 MiB go.
const PV_OVERHEAD = 12 * MiB;

function exit(code, stdout = '', stderr = '') {
  process.stdout.write(stdout);
  process.stderr.write(stderr);
  process.exit(code);
}
function save() {
  fs.writeFileSync(`${statePath}.${process.pid}`, JSON.stringify(state, null, 2));
  fs.renameSync(`${statePath}.${process.pid}`, statePath);
}

// Options that take a value, in the forms src/lvm/argv.ts writes.
const WITH_VALUE = new Set(['--config', '--metadatasize', '-o', '--reportformat', '--units', '-n', '-L', '--addtag']);
const opts = {};
const tags = [];
const pos = [];
for (let i = 0; i < argv.length; i++) {
  const a = argv[i];
  if (WITH_VALUE.has(a)) {
    if (a === '--addtag') tags.push(argv[++i]);
    else opts[a] = argv[++i];
  } else if (a.startsWith('-')) opts[a] = true;
  else pos.push(a);
}

// The disk behind a device path: the DRBD minor's name (each host has its own /dev node for it).
const diskOf = (device) => path.basename(device);
function visible(device) {
  if (!fs.existsSync(device)) return false;
  const drbd = JSON.parse(fs.readFileSync(process.env.DRBD_SIM_STATE, 'utf8'));
  const r = Object.values(drbd.resources).find((x) => (x.devices || []).includes(device));
  return r === undefined || r.role === 'Primary';
}
/** The VG by name, if its PV is visible from this host. */
function findVg(name) {
  for (const [disk, d] of Object.entries(state.disks)) {
    if (d.vg && d.vg.name === name && visible(d.device[host])) return { disk, d, vg: d.vg };
  }
  return undefined;
}
const vgSize = (d) => Math.floor((d.size - PV_OVERHEAD) / EXTENT) * EXTENT;
const used = (vg) => Object.values(vg.lvs).reduce((s, l) => s + l.size, 0);
const activeHere = () => (state.active[host] ??= []);

// The report layout lvm2 prints with --reportformat json (vgs-one, lvs-three, pvs-one captures).
function report(kind, rows) {
  const fields = String(opts['-o']).split(',');
  const body = rows.map((r) => `                  {${fields.map((f) => `"${f}":"${r[f]}"`).join(', ')}}`).join(',\n');
  return `  {\n      "report": [\n          {\n              "${kind}": [\n${body === '' ? '' : `${body}\n`}              ]\n          }\n      ]\n  }\n`;
}
const vgMissing = (name, kind) => exit(5, report(kind, []), `  Volume group "${name}" not found\n  Cannot process volume group ${name}\n`);

// lvm2's uuid shape: 32 characters in groups of 6-4-4-4-4-4-6.
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const uuid = () =>
  [6, 4, 4, 4, 4, 4, 6].map((n) => Array.from({ length: n }, () => ALNUM[Math.floor(Math.random() * ALNUM.length)]).join('')).join('-');
function human(bytes) {
  return bytes >= 1024 * MiB ? `${(bytes / (1024 * MiB)).toFixed(2)} GiB` : `${(bytes / MiB).toFixed(2)} MiB`;
}
function bytesArg(s) {
  const m = /^([0-9]+)b$/.exec(String(s));
  if (!m) exit(3, '', `  Invalid argument for --size: ${s}\n`);
  return Math.ceil(Number(m[1]) / EXTENT) * EXTENT;
}
function lvRef(ref) {
  const [vgName, lvName] = String(ref).split('/');
  const found = findVg(vgName);
  const lv = found?.vg.lvs[lvName];
  if (!found || !lv) exit(5, '', `  Failed to find logical volume "${vgName}/${lvName}"\n`);
  return { found, vgName, lvName, lv };
}

/* eslint-disable no-fallthrough -- no case falls through: each ends in exit(), which is process.exit() */
switch (tool) {
  case 'pvs': {
    const dev = pos[0];
    const d = state.disks[diskOf(dev)];
    if (!d || !d.pv || !visible(dev)) exit(5, report('pv', []), `  Failed to find physical volume "${dev}".\n`);
    const vg = d.vg;
    exit(
      0,
      report('pv', [
        {
          pv_name: dev,
          vg_name: vg ? vg.name : '',
          vg_uuid: vg ? vg.uuid : '',
          pv_size: vg ? vgSize(d) : d.size,
          vg_size: vg ? vgSize(d) : 0,
        },
      ]),
    );
  }
  case 'vgs': {
    const f = findVg(pos[0]);
    if (!f) vgMissing(pos[0], 'vg');
    const size = vgSize(f.d);
    exit(
      0,
      report('vg', [
        {
          vg_name: f.vg.name,
          vg_uuid: f.vg.uuid,
          vg_size: size,
          vg_free: size - used(f.vg),
          vg_extent_size: EXTENT,
          lv_count: Object.keys(f.vg.lvs).length,
          pv_count: 1,
        },
      ]),
    );
  }
  case 'lvs': {
    const f = findVg(pos[0]);
    if (!f) vgMissing(pos[0], 'lv');
    const rows = Object.entries(f.vg.lvs)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, l]) => ({
        lv_name: name,
        lv_uuid: l.uuid,
        lv_size: l.size,
        lv_attr: activeHere().includes(`${f.vg.name}/${name}`) ? '-wi-a-----' : '-wi-------',
        lv_tags: l.tags.join(','),
      }));
    exit(0, report('lv', rows));
  }
  case 'pvcreate': {
    const dev = pos[0];
    const d = state.disks[diskOf(dev)];
    if (!d || !visible(dev)) exit(5, '', `  Cannot use ${dev}: device not found\n`);
    d.pv = { uuid: uuid() };
    d.vg = null;
    save();
    exit(0, `  Physical volume "${dev}" successfully created.\n`);
  }
  case 'vgcreate': {
    const [name, dev] = pos;
    const d = state.disks[diskOf(dev)];
    if (!d || !d.pv || !visible(dev)) exit(5, '', `  Failed to find physical volume "${dev}".\n`);
    d.vg = { name, uuid: uuid(), lvs: {} };
    save();
    exit(0, `  Volume group "${name}" successfully created\n`);
  }
  case 'vgremove': {
    const f = findVg(pos[0]);
    if (!f) exit(5, '', `  Volume group "${pos[0]}" not found\n  Cannot process volume group ${pos[0]}\n`);
    const removed = Object.keys(f.vg.lvs)
      .map((n) => `  Logical volume "${n}" successfully removed.\n`)
      .join('');
    f.d.vg = null;
    save();
    exit(0, `${removed}  Volume group "${pos[0]}" successfully removed\n`);
  }
  case 'lvcreate': {
    const f = findVg(pos[0]);
    if (!f) vgMissing(pos[0], 'lv');
    const name = opts['-n'];
    if (f.vg.lvs[name]) exit(5, '', `  Logical Volume "${name}" already exists in volume group "${f.vg.name}"\n`);
    const size = bytesArg(opts['-L']);
    const free = vgSize(f.d) - used(f.vg);
    if (size > free)
      exit(5, '', `  Volume group "${f.vg.name}" has insufficient free space (${free / EXTENT} extents): ${size / EXTENT} required.\n`);
    f.vg.lvs[name] = { uuid: uuid(), size, tags };
    save();
    exit(0, `  Logical volume "${name}" created.\n`, `  WARNING: Logical volume ${f.vg.name}/${name} not zeroed.\n`);
  }
  case 'lvremove': {
    const { lvName, found, vgName } = lvRef(pos[0]);
    // lvremove -f deactivates on this host only; another host's dm table would linger, and stays
    // listed here. (Removing an open LV fails in real LVM; the model does not know "open".)
    const list = activeHere();
    if (list.includes(`${vgName}/${lvName}`)) list.splice(list.indexOf(`${vgName}/${lvName}`), 1);
    delete found.vg.lvs[lvName];
    save();
    exit(0, `  Logical volume "${lvName}" successfully removed.\n`);
  }
  case 'lvextend': {
    const { lv, vgName, lvName, found } = lvRef(pos[0]);
    const size = bytesArg(opts['-L']);
    const free = vgSize(found.d) - used(found.vg);
    // Not captured (the planner refuses first); the text is lvm2's, as in test/unit/lvm/lvm.test.ts.
    if (size - lv.size > free)
      exit(5, '', `  Insufficient free space: ${(size - lv.size) / EXTENT} extents needed, but only ${free / EXTENT} available\n`);
    const from = lv.size;
    lv.size = size;
    save();
    exit(
      0,
      `  Size of logical volume ${vgName}/${lvName} changed from ${human(from)} (${from / EXTENT} extents) to ${human(size)} (${size / EXTENT} extents).\n  Logical volume ${vgName}/${lvName} successfully resized.\n`,
    );
  }
  case 'lvchange': {
    // Not captured (activation needs device-mapper): lvm2 prints nothing on success.
    const { vgName, lvName } = lvRef(pos[0]);
    const key = `${vgName}/${lvName}`;
    if (process.env.LVM_SIM_HANG === `${tool} ${argv.join(' ')}`) {
      fs.writeFileSync(`${statePath}.hanging`, `${process.pid}\n`);
      setInterval(() => undefined, 1 << 30);
      return;
    }
    const list = activeHere();
    if (opts['-ay'] && !list.includes(key)) list.push(key);
    if (opts['-an'] && list.includes(key)) list.splice(list.indexOf(key), 1);
    save();
    exit(0);
  }
  case 'vgchange': {
    const f = findVg(pos[0]);
    if (!f) exit(5, '', `  Volume group "${pos[0]}" not found\n  Cannot process volume group ${pos[0]}\n`);
    state.active[host] = activeHere().filter((k) => !k.startsWith(`${f.vg.name}/`));
    save();
    exit(0, `  0 logical volume(s) in volume group "${f.vg.name}" now active\n`);
  }
  default:
    exit(3, '', `  lvm-sim: ${tool} is not part of the stand-in\n`);
}
/* eslint-enable no-fallthrough */
