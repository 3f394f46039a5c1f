// --apply then --undo on a scratch root holding Debian's own /etc/init.d/drbd: the originals come
// back byte for byte, with their modes, and nothing we created is left behind.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyChanges, BACKUP_DIR, undoChanges } from '../../../src/boot-order/apply';
import { observeBoot } from '../../../src/boot-order/observe';
import { planBootOrder } from '../../../src/boot-order/plan';
import { describeDebian, debianPath, debianText } from '../../support/debian';
import { writeTree } from '../../support/check-host';

function plan(root: string) {
  const p = planBootOrder(observeBoot(root));
  if (!p.ok) throw new Error(p.error);
  return p.changes;
}

const snapshot = (root: string, path: string) => ({ bytes: readFileSync(join(root, path)), mode: statSync(join(root, path)).mode });

describeDebian('apply and undo', () => {
  test('sysvinit and systemd together: apply, apply again, undo', () => {
    const root = writeTree({
      'etc/init.d/drbd': { text: debianText('etc/init.d/drbd'), mode: 0o755 },
      'etc/init.d/xendomains': { text: debianText('etc/init.d/xendomains'), mode: 0o755 },
      'run/systemd/system/.keep': '',
      'etc/systemd/system/multi-user.target.wants/drbd@r0.target': { link: '/lib/systemd/system/drbd@.target' },
    });
    const drbdBefore = snapshot(root, 'etc/init.d/drbd');
    expect(drbdBefore.bytes.equals(readFileSync(debianPath('etc/init.d/drbd')))).toBe(true);

    applyChanges(root, plan(root));
    expect(readFileSync(join(root, 'etc/init.d/drbd'), 'utf8')).toContain('# X-Start-Before: heartbeat corosync xendomains\n');
    expect(statSync(join(root, 'etc/init.d/drbd')).mode).toBe(drbdBefore.mode);
    expect(readFileSync(join(root, 'etc/systemd/system/xendomains.service.d/10-drbd.conf'), 'utf8')).toContain('After=drbd@r0.target\n');
    const manifest = readFileSync(join(root, BACKUP_DIR, 'manifest.json'), 'utf8');

    expect(plan(root)).toEqual([]); // idempotent: nothing more to write
    applyChanges(root, plan(root));
    expect(readFileSync(join(root, BACKUP_DIR, 'manifest.json'), 'utf8')).toBe(manifest);

    expect(undoChanges(root)).toBe(true);
    const drbdAfter = snapshot(root, 'etc/init.d/drbd');
    expect(drbdAfter.bytes.equals(drbdBefore.bytes)).toBe(true);
    expect(drbdAfter.mode).toBe(drbdBefore.mode);
    expect(existsSync(join(root, 'etc/systemd/system/xendomains.service.d'))).toBe(false);
    expect(existsSync(join(root, BACKUP_DIR))).toBe(false);
    expect(readdirSync(join(root, 'etc/init.d')).sort()).toEqual(['drbd', 'xendomains']);
    expect(undoChanges(root)).toBe(false);
  });

  test('a second apply after a change keeps the first originals, so undo goes all the way back', () => {
    const root = writeTree({ 'etc/init.d/drbd': { text: debianText('etc/init.d/drbd'), mode: 0o755 }, 'run/systemd/system/.keep': '' });
    const original = readFileSync(join(root, 'etc/init.d/drbd'));
    applyChanges(root, plan(root));
    writeTree({ 'etc/systemd/system/multi-user.target.wants/drbd@r1.target': { link: '/lib/systemd/system/drbd@.target' } }, root);
    const again = plan(root);
    expect(again.map((c) => c.why)).toEqual(['update the drop-in']);
    applyChanges(root, again);
    undoChanges(root);
    expect(readFileSync(join(root, 'etc/init.d/drbd')).equals(original)).toBe(true);
    expect(existsSync(join(root, 'etc/systemd/system/xendomains.service.d/10-drbd.conf'))).toBe(false);
  });

  test('a drop-in that was there before comes back as it was', () => {
    const root = writeTree({
      'run/systemd/system/.keep': '',
      'etc/systemd/system/xendomains.service.d/10-drbd.conf': '[Unit]\nAfter=mine.service\n',
    });
    applyChanges(root, plan(root));
    undoChanges(root);
    expect(readFileSync(join(root, 'etc/systemd/system/xendomains.service.d/10-drbd.conf'), 'utf8')).toBe('[Unit]\nAfter=mine.service\n');
  });
});

test('planting into an empty dir tree creates only what it needs', () => {
  const root = mkdtempSync(join(tmpdir(), 'xen-drbd-empty-'));
  writeTree({ 'run/systemd/system/.keep': '' }, root);
  applyChanges(root, plan(root));
  expect(undoChanges(root)).toBe(true);
  expect(readdirSync(root).sort()).toEqual(['run']);
  rmSync(root, { recursive: true, force: true });
});
