// The host-file readers on vectors and on Debian's own files (test/fixtures/debian/fetch.sh).
import { runChecks } from '../../../src/check/check';
import { filterAccepts, parseLvmConf } from '../../../src/check/lvm-conf';
import { parseShellAssignments } from '../../../src/check/shell-vars';
import { describeDebian, debianText } from '../../support/debian';
import { inputs } from './inputs';

describe('lvm.conf', () => {
  test('nested sections, lists across lines, comments, later assignment wins', () => {
    const conf = parseLvmConf(
      'devices {\n  # filter = [ "r|.*|" ]\n  filter = [ "a|^/dev/drbd|",\n    "r|.*|" ] # hide the rest\n  scan_lvs = 0\n}\nglobal {\n  locking_type = 1\n}\ndevices {\n scan_lvs = 1\n}\n',
    );
    expect(conf.get('devices/filter')).toEqual({ value: ['a|^/dev/drbd|', 'r|.*|'], line: 3 });
    expect(conf.get('devices/scan_lvs')).toEqual({ value: 1, line: 11 });
    expect(conf.get('global/locking_type')?.value).toBe(1);
  });

  test.each<[string[], string, boolean]>([
    [[], '/dev/sdb1', true],
    [['a|.*|'], '/dev/sdb1', true],
    [['a|^/dev/drbd|', 'r|.*|'], '/dev/sdb1', false],
    [['a|^/dev/drbd|', 'r|.*|'], '/dev/drbd0', true],
    [['r/sdb/'], '/dev/sdb1', false],
    [['r|^/dev/sdb1$|'], '/dev/sdb10', true],
    [['r|^/dev/sd[b-c]|'], '/dev/sdc1', false],
    [['r|(unclosed|'], '/dev/sdb1', true],
  ])('filter %j on %s accepts: %s', (filter, device, accepted) => {
    expect(filterAccepts(filter, device)).toBe(accepted);
  });
});

test('shell assignments: quoted, unquoted, export, comments, the last wins', () => {
  const vars = parseShellAssignments(
    '# XENDOMAINS_SAVE=/x\nXENDOMAINS_SAVE=/var/lib/xen/save\nexport XENDOMAINS_MIGRATE="-s host"\nXENDOMAINS_RESTORE=true # yes\nXENDOMAINS_SAVE=\'\'\n',
  );
  expect(vars.get('XENDOMAINS_SAVE')).toEqual({ value: '', line: 5 });
  expect(vars.get('XENDOMAINS_MIGRATE')?.value).toBe('-s host');
  expect(vars.get('XENDOMAINS_RESTORE')?.value).toBe('true');
});

describeDebian("Debian's own files", () => {
  const drbdDomain = { '/etc/xen/auto/web.cfg': 'name = "web"\ndisk = [ \'drbd:r0,xvda,w\' ]\n' };

  test("Debian's lvm.conf sets no filter, so a partition backing DRBD is scanned (XD201)", () => {
    const text = debianText('etc/lvm/lvm.conf');
    const conf = parseLvmConf(text);
    expect(conf.get('devices/filter')).toBeUndefined();
    expect(conf.get('devices/global_filter')).toBeUndefined();
    expect(conf.get('devices/scan_lvs')).toBeUndefined(); // commented out: lvm2's default 0 applies
    const findings = runChecks(inputs(drbdDomain, { lvmConf: { path: '/etc/lvm/lvm.conf', text } }));
    expect(findings.map((f) => f.code)).toEqual(['XD201']);
    expect(findings[0]?.message).toContain('/dev/sdb1');
  });

  test("Debian's /etc/default/xendomains saves and restores (XD121)", () => {
    const text = debianText('etc/default/xendomains');
    expect(parseShellAssignments(text).get('XENDOMAINS_SAVE')?.value).toBe('/var/lib/xen/save');
    const findings = runChecks(inputs(drbdDomain, { xendomainsDefault: { path: '/etc/default/xendomains', text } }));
    expect(findings.map((f) => `${f.code} ${f.where}`)).toEqual([
      `XD121 /etc/default/xendomains:${text.split('\n').findIndex((l) => l.startsWith('XENDOMAINS_SAVE=')) + 1}`,
    ]);
  });

  test("drbd-utils' LINBIT block-drbd is recognised as not ours (XD207)", () => {
    const text = debianText('etc/xen/scripts/block-drbd');
    const findings = runChecks(inputs(drbdDomain, { blockDrbdScript: { path: '/etc/xen/scripts/block-drbd', text } }));
    expect(findings.map((f) => f.code)).toEqual(['XD207']);
    expect(findings[0]?.message).toContain("LINBIT's shell block-drbd");
  });
});
