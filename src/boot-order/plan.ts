// What `boot-order --apply` writes: drbd's LSB header gains xendomains in X-Start-Before and
// X-Stop-After, and on systemd hosts the drop-in of docs/boot-order.md §3. Pure; an empty plan means nothing to do.
import { DROP_IN_PATH, dropInText } from './dropin';
import { addToHeaderField } from './lsb-header';
import { enabledDrbdUnits, type BootObserved } from './observed';

export interface Change {
  readonly path: string;
  /** undefined: the file does not exist yet. */
  readonly before: string | undefined;
  readonly after: string;
  readonly why: string;
}

export type BootOrderPlan = { readonly ok: true; readonly changes: readonly Change[] } | { readonly ok: false; readonly error: string };

export function planBootOrder(o: BootObserved): BootOrderPlan {
  const changes: Change[] = [];
  if (o.drbdInit !== undefined) {
    const start = addToHeaderField(o.drbdInit.text, 'X-Start-Before', 'xendomains');
    const after = start === undefined ? undefined : addToHeaderField(start, 'X-Stop-After', 'xendomains');
    if (after === undefined) return { ok: false, error: `${o.drbdInit.path} has no LSB header (### BEGIN INIT INFO); not editing it` };
    if (after !== o.drbdInit.text) {
      changes.push({ path: o.drbdInit.path, before: o.drbdInit.text, after, why: 'add xendomains to X-Start-Before and X-Stop-After' });
    }
  }
  if (o.systemd) {
    const text = dropInText(enabledDrbdUnits(o));
    if (o.dropIn?.text !== text) {
      changes.push({
        path: DROP_IN_PATH,
        before: o.dropIn?.text,
        after: text,
        why: o.dropIn === undefined ? 'install the drop-in' : 'update the drop-in',
      });
    }
  }
  if (o.drbdInit === undefined && !o.systemd)
    return { ok: false, error: '/etc/init.d/drbd is missing and systemd is not running: nothing to order' };
  return { ok: true, changes };
}
