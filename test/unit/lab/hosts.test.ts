import { hostSetKey, hostSpecs, newReplNet } from '../../lab/lib/hosts';

test('a lab has A and B unless told otherwise; C is a plain host at 10.99.0.3', () => {
  expect(hostSpecs().map((s) => `${s.name}:${s.kind}:${s.replIp}`)).toEqual(['A:xen:10.99.0.1', 'B:xen:10.99.0.2']);
  expect(hostSpecs(['C', 'B', 'A']).map((s) => `${s.name}:${s.kind}:${s.replIp}`)).toEqual([
    'A:xen:10.99.0.1',
    'B:xen:10.99.0.2',
    'C:plain:10.99.0.3',
  ]);
});

test('the host set is a key of the lab kind, whatever the order it is named in', () => {
  expect(hostSetKey()).toBe('AB');
  expect(hostSetKey(['A', 'B'])).toBe('AB');
  expect(hostSetKey(['C', 'A', 'B'])).toBe('ABC');
});

test('a lab without the Xen pair is refused', () => {
  expect(() => hostSpecs(['A', 'C'])).toThrow("a lab's hosts must include A and B, got A,C");
});

test('each lab gets its own site-local multicast group and port', () => {
  const n = newReplNet();
  expect(n.group).toMatch(/^239\.255\.\d{1,3}\.\d{1,3}$/);
  expect(n.port).toBeGreaterThanOrEqual(20000);
  expect(n.port).toBeLessThan(50000);
});
