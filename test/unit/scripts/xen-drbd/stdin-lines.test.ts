import { PassThrough } from 'node:stream';
import { stdinLines } from '../../../../src/scripts/xen-drbd/commands/stdin-lines';

async function collect(chunks: readonly Buffer[]): Promise<string[]> {
  const input = new PassThrough();
  const lines: string[] = [];
  const reading = (async () => {
    for await (const line of stdinLines(input)) lines.push(line);
  })();
  for (const c of chunks) input.write(c);
  input.end();
  await reading;
  return lines;
}

describe('stdinLines (the --batch input)', () => {
  test('lines split across chunks, and a character split across chunks, come out whole', async () => {
    const bytes = Buffer.from('drbd:r0,xvda,w\n/srv/ünï.img,,xvdb\nlast');
    const cut = bytes.indexOf(Buffer.from('ü')) + 1; // inside the two bytes of 'ü'
    expect(await collect([bytes.subarray(0, 5), bytes.subarray(5, cut), bytes.subarray(cut)])).toEqual([
      'drbd:r0,xvda,w',
      '/srv/ünï.img,,xvdb',
      'last',
    ]);
  });

  test("only '\\n' ends a line: a '\\r' and blanks stay, an empty line is a record, a final newline is not", async () => {
    expect(await collect([Buffer.from('a\r\n\n b \n')])).toEqual(['a\r', '', ' b ']);
  });

  test('no input, no lines', async () => {
    expect(await collect([])).toEqual([]);
  });
});
