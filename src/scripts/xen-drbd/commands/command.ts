// What every subcommand module exports: apart from the table (index.ts) that lists them, so that
// a command and the table do not import each other.
export interface Command {
  readonly summary: string;
  run(args: readonly string[]): Promise<number>;
}
