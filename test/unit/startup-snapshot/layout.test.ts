import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isOurBundle, launcherBanner, NAME_PLACEHOLDER, SNAPSHOT_NODE, SNAPSHOT_ROOT } from '../../../src/startup-snapshot/layout';

describe('the launcher', () => {
  const [shebang, shell] = launcherBanner().split('\n') as [string, string];

  test('two lines: sh runs the second, JavaScript reads it as a string and a comment', () => {
    expect(shebang).toBe('#!/bin/sh');
    expect(shell.startsWith('":" //; ')).toBe(true);
    // Node skips the #! line; the rest must parse as JavaScript (a directive and a comment).
    expect(() => new Function(shell)).not.toThrow();
  });

  test('starts the snapshot only after all four checks, else node on the plain bundle', () => {
    const d = `${SNAPSHOT_ROOT}/${NAME_PLACEHOLDER}`;
    expect(shell).toBe(
      `":" //; d=${d}; [ "$d/script" -ef "$0" ] && [ ! "$0" -nt "$d/blob" ] && [ "$d/node" -ef ${SNAPSHOT_NODE} ] && ` +
        `[ "$d/libnode" -ef "$d/libnode.path" ] && exec ${SNAPSHOT_NODE} --snapshot-blob "$d/blob" "$0" "$@"; exec node "$0" "$@"`,
    );
  });
});

describe('isOurBundle', () => {
  test.each(['block-drbd', 'xen-drbd', 'DrbdlvmSR', 'libvirt-hook'])('the built %s is ours, its name in its launcher', (name) => {
    const text = readFileSync(join(__dirname, '../../../dist', name), 'utf8');
    expect(isOurBundle(text)).toBe(true);
    expect(text.split('\n', 2)[1]).toContain(`d=${SNAPSHOT_ROOT}/${name};`);
  });

  test("LINBIT's block-drbd and an old node script are not", () => {
    expect(isOurBundle('#!/bin/bash\n. "$dir/block-common.sh"\n')).toBe(false);
    expect(isOurBundle('#!/usr/bin/env node\n"use strict";\n')).toBe(false);
    expect(isOurBundle('#!/bin/sh\n')).toBe(false);
  });
});
