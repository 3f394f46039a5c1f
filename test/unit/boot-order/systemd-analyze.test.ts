// The drop-in, checked by systemd itself: Debian's systemd-analyze verify loads unit files from
// given paths and needs no systemd running as PID 1 (it works in this container and in CI, which
// installs the `systemd` package). The drbd units are Debian's own (drbd-utils 9.22).
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dropInText } from '../../../src/boot-order/dropin';
import { describeDebian, debianPath, debianText } from '../../support/debian';
import { writeTree } from '../../support/check-host';

const ANALYZE = '/usr/bin/systemd-analyze';

// What systemd-sysv-generator makes of Debian's /etc/init.d/xendomains (bookworm ships no unit).
const xendomainsUnit = (root: string) => `[Unit]
Description=LSB: Start/stop secondary xen domains
After=network-online.target remote-fs.target drbd.service
[Service]
Type=forking
RemainAfterExit=yes
ExecStart=${root}/etc/init.d/xendomains start
ExecStop=${root}/etc/init.d/xendomains stop
`;

function verify(dropIn: string): { code: number | null; output: string } {
  const root = writeTree({
    'etc/init.d/xendomains': { text: debianText('etc/init.d/xendomains'), mode: 0o755 },
    'etc/systemd/system/xendomains.service.d/10-drbd.conf': dropIn,
  });
  writeFileSync(join(root, 'etc/systemd/system/xendomains.service'), xendomainsUnit(root));
  mkdirSync(join(root, 'lib/systemd/system'), { recursive: true });
  for (const unit of ['drbd.service', 'drbd@.service', 'drbd@.target'])
    copyFileSync(debianPath(`lib/systemd/system/${unit}`), join(root, 'lib/systemd/system', unit));
  // A trailing ':' appends systemd's own unit directories (for sysinit.target and friends).
  const env = { ...process.env, SYSTEMD_UNIT_PATH: `${root}/etc/systemd/system:${root}/lib/systemd/system:`, SYSTEMD_LOG_COLOR: '0' };
  const r = spawnSync(ANALYZE, ['verify', '--man=no', join(root, 'etc/systemd/system/xendomains.service')], {
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, output: `${r.stdout}${r.stderr}` };
}

const haveAnalyze = existsSync(ANALYZE);
const describeAnalyze = haveAnalyze || process.env.CI === 'true' ? describeDebian : describe.skip;

describeAnalyze('systemd-analyze verify', () => {
  test('accepts the drop-in for drbd.service and per-resource targets without a word', () => {
    expect(verify(dropInText({ drbdService: true, resourceTargets: ['r0', 'r1'] }))).toEqual({ code: 0, output: '' });
    expect(verify(dropInText({ drbdService: false, resourceTargets: [] }))).toEqual({ code: 0, output: '' });
  });

  test('does read the drop-in: a broken one is reported against its file (control)', () => {
    const r = verify(`${dropInText({ drbdService: true, resourceTargets: [] })}Afterr=drbd.service\n[Unit\n`);
    expect(r.output).toMatch(/10-drbd\.conf:\d+: Unknown key name 'Afterr'|10-drbd\.conf:\d+: Unknown key 'Afterr'/);
    expect(r.output).toMatch(/10-drbd\.conf:\d+: Invalid section header '\[Unit'/);
  });
});
