// Debian's real xenstore-* clients (libxenstore) against the test xenstored, and against what
// block-drbd wrote through its own wire-protocol client: both sides speak the same protocol.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { XenstoreClient } from '../../src/xenstore/client';
import { HEALTHY, HotplugHost } from '../support/hotplug-host';

const run = promisify(execFile);
const haveClients = existsSync('/usr/bin/xenstore-read');
// .ci/run installs xenstore-utils; say so loudly instead of passing quietly when it is missing.
const maybe = haveClients || process.env.CI ? it : it.skip;

let host: HotplugHost;
beforeEach(async () => {
  host = new HotplugHost();
  await host.start({ r0: HEALTHY });
});
afterEach(async () => {
  await host.stop();
});

describe('real xenstore clients', () => {
  maybe('read the keys block-drbd wrote, at the relative and the absolute path', async () => {
    const be = host.addBackend(3, 51712, 'r0');
    expect((await host.run('add', be)).code).toBe(0);
    const env = { ...process.env, XENSTORED_PATH: host.xenstored.socketPath };
    const rel = await run('xenstore-read', [`${be}/physical-device`], { env });
    expect(rel.stdout).toBe('93:0\n');
    const abs = await run('xenstore-read', [`/local/domain/0/${be}/hotplug-status`], { env });
    expect(abs.stdout).toBe('connected\n');
  });

  maybe('write what our client reads back, and list and remove as our client does', async () => {
    const env = { ...process.env, XENSTORED_PATH: host.xenstored.socketPath };
    await run('xenstore-write', ['/test/a', 'one', '/test/b', 'two words'], { env });
    const xs = await XenstoreClient.connect({ XENSTORED_PATH: host.xenstored.socketPath });
    try {
      expect(await xs.read('/test/b')).toBe('two words');
      expect((await xs.list('/test')).sort()).toEqual(['a', 'b']);
      await xs.write('/test/c', 'from node');
      expect((await run('xenstore-read', ['/test/c'], { env })).stdout).toBe('from node\n');
      await xs.rm('/test/a');
      await expect(run('xenstore-read', ['/test/a'], { env })).rejects.toMatchObject({ code: 1 });
      expect(await xs.read('/test/a')).toBeUndefined();
    } finally {
      xs.close();
    }
  });
});
