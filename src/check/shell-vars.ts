// `NAME=value` lines of a shell defaults file (/etc/default/xendomains), as sh would assign them
// for the simple forms such files use: unquoted, "double" or 'single' quoted. Later lines win.
export interface ShellValue {
  readonly value: string;
  readonly line: number;
}

export function parseShellAssignments(text: string): Map<string, ShellValue> {
  const vars = new Map<string, ShellValue>();
  text.split('\n').forEach((raw, i) => {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|'([^']*)'|([^\s#;]*))/.exec(raw);
    if (m) vars.set(m[1] as string, { value: m[3] ?? m[4] ?? m[5] ?? '', line: i + 1 });
  });
  return vars;
}
