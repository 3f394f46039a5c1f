// The LSB header edit on vectors and on Debian's own /etc/init.d/drbd and /etc/init.d/xendomains.
import { addToHeaderField, headerField } from '../../../src/boot-order/lsb-header';
import { describeDebian, debianText } from '../../support/debian';

const script = (...fields: string[]) => `#!/bin/sh\n### BEGIN INIT INFO\n${fields.join('\n')}\n### END INIT INFO\necho\n`;

describe('headerField / addToHeaderField', () => {
  test.each<[string, string, string]>([
    [
      'appends to the field, keeping its spacing',
      script('# X-Stop-After:   heartbeat corosync'),
      script('# X-Stop-After:   heartbeat corosync xendomains'),
    ],
    [
      'trailing blanks go, as insserv ignores them',
      script('# X-Start-Before: heartbeat \t'),
      script('# X-Start-Before: heartbeat xendomains'),
    ],
    ['an empty field gets the word', script('# X-Start-Before:'), script('# X-Start-Before: xendomains')],
    ['a missing field is added before END', script('# Provides: drbd'), script('# Provides: drbd', '# X-Start-Before: xendomains')],
    ['already there: unchanged', script('# X-Start-Before: xendomains heartbeat'), script('# X-Start-Before: xendomains heartbeat')],
  ])('%s', (_, before, after) => {
    const field = before.includes('X-Stop-After') ? 'X-Stop-After' : 'X-Start-Before';
    expect(addToHeaderField(before, field, 'xendomains')).toBe(after);
    expect(addToHeaderField(after, field, 'xendomains')).toBe(after);
  });

  test('a word inside another word does not count', () => {
    expect(addToHeaderField(script('# X-Start-Before: xendomains2'), 'X-Start-Before', 'xendomains')).toBe(
      script('# X-Start-Before: xendomains2 xendomains'),
    );
  });

  test('no header: nothing to edit', () => {
    expect(addToHeaderField('#!/bin/sh\necho\n', 'X-Start-Before', 'xendomains')).toBeUndefined();
    expect(headerField('#!/bin/sh\n', 'Provides')).toEqual([]);
  });

  test('fields outside the header are not read', () => {
    expect(headerField(`# X-Start-Before: x\n${script('# Provides: drbd')}`, 'X-Start-Before')).toEqual([]);
  });
});

describeDebian("Debian's init scripts", () => {
  test('drbd: exactly the two lines of docs/boot-order.md §3 change, every other byte stays', () => {
    const before = debianText('etc/init.d/drbd');
    expect(headerField(before, 'X-Start-Before')).toEqual(['heartbeat', 'corosync']);
    const after = addToHeaderField(
      addToHeaderField(before, 'X-Start-Before', 'xendomains') as string,
      'X-Stop-After',
      'xendomains',
    ) as string;
    const changed = after.split('\n').filter((l, i) => l !== before.split('\n')[i]);
    expect(changed).toEqual(['# X-Start-Before: heartbeat corosync xendomains', '# X-Stop-After:   heartbeat corosync xendomains']);
    expect(after.length - before.length).toBe(2 * ' xendomains'.length);
  });

  test('xendomains already asks for drbd before it', () => {
    const text = debianText('etc/init.d/xendomains');
    expect(headerField(text, 'Should-Start')).toContain('drbd');
    expect(headerField(text, 'Should-Stop')).toContain('drbd');
    expect(headerField(text, 'Provides')).toEqual(['xendomains']);
  });
});
