// Keeps the LVM stand-in of the contract tests honest: for every recorded lvm2 2.03.16 answer in
// test/unit/lvm/fixtures (capture.sh, capture-writes.sh), the stand-in, driven through the same
// sequence of commands on a fresh 200 MiB disk, prints the same stdout and stderr and exits alike.
// Only the uuids lvm2 generates (and lv_attr, which reads 'XX' on the capture host that had no
// device-mapper) are masked.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CAP = join(__dirname, '../lvm/fixtures/lvm2-2.03.16');
const BIN = join(__dirname, '../../support/bin-lvm');
const cap = (name: string, ext: string) => readFileSync(join(CAP, `${name}.${ext}`), 'utf8');

function world() {
  const dir = mkdtempSync(join(tmpdir(), 'lvm-sim-'));
  const device = join(dir, 'loopN');
  writeFileSync(device, '');
  const state = join(dir, 'lvm.json');
  writeFileSync(
    state,
    JSON.stringify({ disks: { loopN: { device: { capture: device }, size: 200 * 1024 * 1024, pv: null, vg: null } }, active: {} }),
  );
  const drbd = join(dir, 'drbd.json');
  writeFileSync(drbd, JSON.stringify({ resources: {} }));
  const run = (cmdLine: string) => {
    const [tool, ...args] = cmdLine
      .trim()
      .split(' ')
      .map((a) => a.replace('/dev/loopN', device));
    const r = spawnSync(join(BIN, tool as string), args, {
      env: { PATH: process.env.PATH, LVM_SIM_STATE: state, LVM_SIM_HOST: 'capture', DRBD_SIM_STATE: drbd },
      encoding: 'utf8',
    });
    const back = (s: string) => s.split(device).join('/dev/loopN');
    return { rc: r.status, stdout: back(r.stdout), stderr: back(r.stderr) };
  };
  return { run };
}

const recorded = (name: string) => ({ rc: Number(cap(name, 'rc')), stdout: cap(name, 'stdout'), stderr: cap(name, 'stderr') });
const masked = (s: string) => s.replace(/"(vg|lv)_uuid":"[^"]*"/g, '"$1_uuid":"*"').replace(/"lv_attr":"[^"]*"/g, '"lv_attr":"*"');

describe('the lvm2 stand-in against real lvm2 2.03.16', () => {
  it("answers capture-writes.sh's sequence exactly as lvm2 did", () => {
    const { run } = world();
    for (const name of [
      'w-pvs-not-a-pv',
      'w-pvcreate',
      'w-vgcreate',
      'w-lvcreate',
      'w-lvcreate-exists',
      'w-lvcreate-no-space',
      'w-lvcreate-vdi',
      'w-lvextend',
      'w-lvremove',
      'w-lvremove-missing',
      'w-lvs-missing-vg',
      'w-vgchange-an',
      'w-vgremove',
    ]) {
      expect({ name, ...run(cap(name, 'cmd')) }).toEqual({ name, ...recorded(name) });
    }
  });

  it("reports capture.sh's SR layout as lvm2 did", () => {
    const { run } = world();
    const SR = 'VG_XenStorage-3b2f4c1e-7a55-8c1d-0e7f-2a9b6c4d8e11';
    const W = '--config global{metadata_read_only=0}';
    for (const c of [
      `pvcreate ${W} -ff -y --metadatasize 10M /dev/loopN`,
      `vgcreate ${W} --metadatasize 10M ${SR} /dev/loopN`,
      `lvcreate ${W} -an -Zn -Wn -n MGT -L 4194304b ${SR}`,
      `lvcreate ${W} -an -Zn -Wn -n LV-f37ef400-7016-4af6-99bb-baa5fa06f0fc -L 12582912b ${SR}`,
      `lvcreate ${W} -an -Zn -Wn -n LV-9c1d0e7f-2a9b-4c4d-8e11-3b2f4c1e7a55 -L 104857600b --addtag hidden ${SR}`,
      `lvextend ${W} -L 16777216b ${SR}/LV-f37ef400-7016-4af6-99bb-baa5fa06f0fc`,
    ])
      expect(run(c).rc).toBe(0);
    for (const name of ['vgs-one', 'lvs-three', 'pvs-one']) {
      const r = run(cap(name, 'cmd'));
      expect({ name, rc: r.rc, stdout: masked(r.stdout), stderr: r.stderr }).toEqual({
        name,
        rc: 0,
        stdout: masked(cap(name, 'stdout')),
        stderr: cap(name, 'stderr'),
      });
    }
    const missing = run(cap('vgs-missing', 'cmd'));
    expect(missing).toEqual(recorded('vgs-missing'));
  });
});
