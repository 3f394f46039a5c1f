// Which ordering is in place and what --apply would write, on tables of observed hosts.
import { bootOrderProblems } from '../../../src/boot-order/assess';
import { dropInText } from '../../../src/boot-order/dropin';
import type { BootObserved } from '../../../src/boot-order/observed';
import { planBootOrder } from '../../../src/boot-order/plan';
import { describeDebian, debianText } from '../../support/debian';
import { cleanBoot, SYSV_DRBD_HEADER } from '../check/inputs';

const UNORDERED_DRBD =
  '### BEGIN INIT INFO\n# Provides: drbd\n# X-Start-Before: heartbeat corosync\n# X-Stop-After:   heartbeat corosync\n### END INIT INFO\n';
const UNORDERED_XEN = '### BEGIN INIT INFO\n# Provides: xendomains\n# Should-Start: iscsi\n### END INIT INFO\n';

test('the drop-in is docs/boot-order.md §3: After the drbd units, Wants only what is enabled', () => {
  expect(dropInText({ drbdService: true, resourceTargets: ['r0', 'r1'] })).toBe(
    [
      '# Installed by `xen-drbd boot-order --apply`; `xen-drbd boot-order --undo` removes it.',
      '[Unit]',
      '# Start after DRBD is configured; stop (shut down, save or migrate the domUs) before DRBD goes down.',
      'After=drbd.service drbd-configured.target',
      'After=drbd-graceful-shutdown.service drbd-graceful-down.service drbd-graceful-disconnect.service',
      'Wants=drbd.service',
      'Wants=drbd@r0.target',
      'After=drbd@r0.target',
      'Wants=drbd@r1.target',
      'After=drbd@r1.target',
      '',
    ].join('\n'),
  );
  expect(dropInText({ drbdService: false, resourceTargets: [] })).not.toContain('Wants=');
});

describe('bootOrderProblems', () => {
  test.each<[string, Partial<BootObserved>, string[]]>([
    ['sysvinit, drbd header fixed', {}, []],
    [
      'sysvinit, neither header orders',
      {
        drbdInit: { path: '/etc/init.d/drbd', text: UNORDERED_DRBD },
        xendomainsInit: { path: '/etc/init.d/xendomains', text: UNORDERED_XEN },
      },
      ['start', 'stop'],
    ],
    [
      'sysvinit, xendomains asks for drbd (Debian)',
      {
        drbdInit: { path: '/etc/init.d/drbd', text: UNORDERED_DRBD },
        xendomainsInit: { path: '/etc/init.d/xendomains', text: UNORDERED_XEN.replace('iscsi', 'drbd iscsi\n# Should-Stop: drbd') },
      },
      [],
    ],
    [
      'systemd, no drop-in, generated xendomains without drbd',
      { systemd: true, xendomainsInit: { path: '/etc/init.d/xendomains', text: UNORDERED_XEN }, enabledUnits: new Set(['drbd.service']) },
      ['drbd.service'],
    ],
    [
      'systemd, generated from a header with Should-Start drbd',
      {
        systemd: true,
        xendomainsInit: { path: '/etc/init.d/xendomains', text: UNORDERED_XEN.replace('iscsi', 'drbd') },
        enabledUnits: new Set(['drbd.service']),
      },
      [],
    ],
    [
      'systemd, per-resource targets not covered by the header',
      {
        systemd: true,
        xendomainsInit: { path: '/etc/init.d/xendomains', text: UNORDERED_XEN.replace('iscsi', 'drbd') },
        enabledUnits: new Set(['drbd@r0.target']),
      },
      ['drbd@r0.target'],
    ],
    [
      'systemd, native upstream unit without drbd',
      {
        systemd: true,
        xendomainsUnit: { path: '/lib/systemd/system/xendomains.service', text: '[Unit]\nAfter=proc-xen.mount xenstored.service\n' },
      },
      ['drbd.service'],
    ],
    [
      'systemd, the drop-in in place',
      {
        systemd: true,
        enabledUnits: new Set(['drbd@r0.target']),
        dropIn: { path: '/x', text: dropInText({ drbdService: false, resourceTargets: ['r0'] }) },
      },
      [],
    ],
  ])('%s', (_, o, missing) => {
    const problems = bootOrderProblems(cleanBoot(o)).map((p) => p.message);
    expect(problems).toHaveLength(missing.length);
    missing.forEach((m, i) => expect(problems[i]).toContain(m));
  });
});

describe('planBootOrder', () => {
  test('a fixed sysvinit host needs nothing', () => {
    expect(planBootOrder(cleanBoot())).toEqual({ ok: true, changes: [] });
  });

  test('systemd: the header and the drop-in, then nothing once written', () => {
    const o = cleanBoot({
      systemd: true,
      drbdInit: { path: '/etc/init.d/drbd', text: UNORDERED_DRBD },
      enabledUnits: new Set(['drbd.service', 'drbd@r1.target', 'drbd@r0.target']),
    });
    const plan = planBootOrder(o);
    if (!plan.ok) throw new Error(plan.error);
    expect(plan.changes.map((c) => [c.path, c.before === undefined])).toEqual([
      ['/etc/init.d/drbd', false],
      ['/etc/systemd/system/xendomains.service.d/10-drbd.conf', true],
    ]);
    expect(plan.changes[1]?.after).toBe(dropInText({ drbdService: true, resourceTargets: ['r0', 'r1'] }));
    const written = cleanBoot({
      ...o,
      drbdInit: { path: '/etc/init.d/drbd', text: plan.changes[0]!.after },
      dropIn: { path: '/d', text: plan.changes[1]!.after },
    });
    expect(planBootOrder(written)).toEqual({ ok: true, changes: [] });
  });

  test('a drbd script without an LSB header is refused, not guessed at', () => {
    expect(planBootOrder(cleanBoot({ drbdInit: { path: '/etc/init.d/drbd', text: '#!/bin/sh\n' } }))).toEqual({
      ok: false,
      error: expect.stringContaining('no LSB header'),
    });
  });

  test('the fixed header is the one the clean host carries', () => {
    const plan = planBootOrder(cleanBoot({ drbdInit: { path: '/etc/init.d/drbd', text: `#!/bin/sh\n${UNORDERED_DRBD}` } }));
    expect(plan.ok && plan.changes[0]?.after).toBe(SYSV_DRBD_HEADER);
  });
});

describeDebian("Debian's headers", () => {
  test('sysvinit: already ordered through xendomains; --apply still writes the drbd side', () => {
    const o = cleanBoot({
      drbdInit: { path: '/etc/init.d/drbd', text: debianText('etc/init.d/drbd') },
      xendomainsInit: { path: '/etc/init.d/xendomains', text: debianText('etc/init.d/xendomains') },
    });
    expect(bootOrderProblems(o)).toEqual([]);
    const plan = planBootOrder(o);
    expect(plan.ok && plan.changes.map((c) => c.path)).toEqual(['/etc/init.d/drbd']);
  });

  test('systemd with drbd@r0.target: the generated xendomains.service lacks it', () => {
    const o = cleanBoot({
      systemd: true,
      xendomainsInit: { path: '/etc/init.d/xendomains', text: debianText('etc/init.d/xendomains') },
      enabledUnits: new Set(['drbd@r0.target']),
    });
    expect(bootOrderProblems(o).map((p) => p.message)).toEqual(['xendomains.service is not ordered after drbd@r0.target']);
  });
});
