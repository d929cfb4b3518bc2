/**
 * Command-line flags of a benchmark: `--json` and numeric `--name value` (or `--name=value`)
 * sizes with defaults, and `--help` listing them. Unknown flags fail loudly: a typo must not
 * silently run the default size and report it as what was asked for.
 */

export interface FlagSpec {
  default: number;
  help: string;
}

export interface Parsed<S extends Record<string, FlagSpec>> {
  json: boolean;
  flags: { [K in keyof S]: number };
}

export function parseArgs<S extends Record<string, FlagSpec>>(
  usage: string,
  spec: S,
  argv = process.argv.slice(2),
): Parsed<S> {
  const flags = Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, v.default])) as { [K in keyof S]: number };
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--json") {
      json = true;
      continue;
    }
    if (arg === "--help" || arg === "-h") {
      const lines = Object.entries(spec).map(
        ([k, v]) => `  --${k} <n>`.padEnd(28) + `${v.help} (default ${v.default})`,
      );
      console.log(
        [usage, "", "  --json".padEnd(28) + "print one JSON document instead of the table", ...lines].join("\n"),
      );
      process.exit(0);
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const name = match?.[1];
    if (!match || name === undefined || !(name in spec)) fail(usage, `unknown argument ${JSON.stringify(arg)}`);
    const text = match![2] ?? argv[++i];
    const value = Number(text);
    if (text === undefined || text === "" || !Number.isFinite(value) || value < 0) {
      fail(usage, `--${name} needs a non-negative number, got ${JSON.stringify(text)}`);
    }
    (flags as Record<string, number>)[name!] = value;
  }
  return { json, flags };
}

function fail(usage: string, problem: string): never {
  console.error(`${problem}\n${usage} (--help lists the flags)`);
  process.exit(2);
}
