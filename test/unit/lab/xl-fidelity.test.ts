// The verdict of lab scenario 13 (test/lab/lib/xl-fidelity.ts), on made-up comparisons: a
// difference fails unless listed, and a listed divergence fails once both sides agree.
import { diskCorpus, unexpected, type Compared } from '../../lab/lib/xl-fidelity';

const agree: Compared = { input: 'drbd:r0,xvda,w', xl: '{"pdev_path":"r0"}', ours: '{"pdev_path":"r0"}', differences: [] };
const differ: Compared = {
  input: 'trusted,vdev=x,target=y',
  xl: 'rc=1 target respecified',
  ours: '{"trusted":"True"}',
  differences: ['xl rejects, xen-drbd accepts'],
};

describe('scenario 13 verdict', () => {
  test('nothing to say when both agree and nothing is listed', () => {
    expect(unexpected([agree], {})).toBe('');
  });

  test('an unlisted difference is reported with both answers', () => {
    expect(unexpected([agree, differ], {})).toBe(
      '"trusted,vdev=x,target=y": xl rejects, xen-drbd accepts\n    xl:       rc=1 target respecified\n    xen-drbd: {"trusted":"True"}',
    );
  });

  test('a listed difference passes; a listed input that agrees or is gone fails', () => {
    expect(unexpected([agree, differ], { [differ.input]: 'after 4.17' })).toBe('');
    expect(unexpected([agree], { [agree.input]: 'why' })).toMatch(/^"drbd:r0,xvda,w": listed as a divergence \("why"\) but both agree/);
    expect(unexpected([agree], { gone: 'why' })).toBe('"gone": listed as a divergence but not in the corpus');
  });

  test('the corpus has no spec xl would take for an option, and no duplicates', () => {
    const specs = diskCorpus();
    expect(specs.filter((s) => s.startsWith('-'))).toEqual([]);
    expect(specs.filter((s, i) => specs.indexOf(s) !== i)).toEqual([]);
  });
});
