import { planShards } from '../../lab/lib/shards';

const f = (path: string, labKind: string) => ({ path, labKind });
// The suite's kinds of lab as they are today: 17 files on the plain 8.4 lab, 3 SR, 6 DRBD 9, 1 with host C.
const SUITE = [
  ...['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14', '15', '16', '20'].map((n) => f(n, 'drbd8.4')),
  ...['17', '18', '19'].map((n) => f(n, 'drbd8.4+SR')),
  ...['21', '22', '23', '24', '25', '26'].map((n) => f(n, 'drbd9')),
  f('27', 'drbd9+C'),
];

test('one shard is the suite as it is', () => {
  expect(planShards(SUITE, 1)).toEqual([SUITE.map((x) => x.path)]);
});

test('two shards: each kind of lab whole, the biggest kind alone, the order kept', () => {
  expect(planShards(SUITE, 2)).toEqual([
    ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12', '13', '14', '15', '16', '20'],
    ['17', '18', '19', '21', '22', '23', '24', '25', '26', '27'],
  ]);
});

test('never more shards than kinds of lab, and every file exactly once', () => {
  const shards = planShards(SUITE, 8);
  expect(shards).toHaveLength(4);
  expect(shards.flat().sort()).toEqual(SUITE.map((x) => x.path).sort());
  expect(planShards([], 2)).toEqual([]);
});

test.each([0, -1, 1.5, NaN])('%p shards is refused', (n) => {
  expect(() => planShards(SUITE, n)).toThrow(/LAB_SHARDS must be a whole number/);
});
