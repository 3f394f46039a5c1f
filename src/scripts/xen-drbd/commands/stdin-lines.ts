// The lines of stdin for the --batch modes, split on '\n' only: a '\r' stays part of its line
// (readline would drop it, and a spec or path may hold one). A final line without a newline
// counts; a trailing newline does not start an empty record.
export async function* stdinLines(input: NodeJS.ReadableStream = process.stdin): AsyncGenerator<string> {
  input.setEncoding('utf8');
  let pending = '';
  for await (const chunk of input) {
    const lines = (pending + (chunk as string)).split('\n');
    pending = lines.pop() as string;
    yield* lines;
  }
  if (pending !== '') yield pending;
}
