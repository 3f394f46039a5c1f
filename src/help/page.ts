// The one source of every man page and `--help` text: structured pages that roff.ts renders as
// man(7) and text.ts as terminal help. Plain text only; the renderers do all escaping.

export interface HelpItem {
  /** What is described: an option, a command line, a key. */
  readonly term: string;
  readonly text: readonly string[];
}

export interface HelpSection {
  readonly title: string;
  readonly paragraphs?: readonly string[];
  readonly items?: readonly HelpItem[];
}

export interface HelpPage {
  readonly name: string;
  readonly section: 5 | 8;
  /** The NAME line's description: "name - summary". */
  readonly summary: string;
  readonly synopsis: readonly string[];
  readonly description: readonly string[];
  readonly sections: readonly HelpSection[];
  readonly seeAlso: readonly string[];
}
