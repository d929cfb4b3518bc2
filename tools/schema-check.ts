/**
 * Checks every schema in schemas/ against its earlier versions in git, before `pulumi up`:
 *
 *   npm run schema:check -- [--mode BACKWARD] [--repo .]
 *
 * Exit codes: 0 all compatible, 1 a breaking change (or a schema that is not valid), 2 bad usage.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import {
  COMPATIBILITY_MODES,
  Compatibility,
  DEFAULT_COMPATIBILITY,
  parseCompatibility,
} from "../runtime/schemas/compatibility-mode";
import { checkSchemaFile, schemaCheckReport } from "../runtime/schemas/schema-check";
import { assertGitRepository, schemaVersions } from "./schema-history";

const USAGE = `Usage: schema-check [--mode MODE] [--repo DIR]

Checks each schemas/*.json in the working tree against its committed versions (git log) and
prints "compatible" or the reasons per schema.
  --mode MODE  compatibility mode, default ${DEFAULT_COMPATIBILITY}; one of ${COMPATIBILITY_MODES.join(", ")}
  --repo DIR   the repository (the folder holding schemas/), default the current directory
Exit codes: 0 all compatible, 1 a breaking change or an invalid schema, 2 bad usage.
`;

class UsageError extends Error {}

interface Options {
  mode: Compatibility;
  repo: string;
}

function parseArguments(argv: readonly string[]): Options | "help" {
  const options: Options = { mode: DEFAULT_COMPATIBILITY, repo: "." };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i];
    if (argument === "--help" || argument === "-h") return "help";
    const value = argv[i + 1];
    if ((argument === "--mode" || argument === "--repo") && value === undefined) {
      throw new UsageError(`${argument} needs a value`);
    }
    if (argument === "--mode") {
      try {
        options.mode = parseCompatibility(value);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
    } else if (argument === "--repo") options.repo = value;
    else throw new UsageError(`unknown argument ${JSON.stringify(argument)} (allowed: --mode, --repo, --help)`);
    i++;
  }
  return options;
}

function run(argv: readonly string[]): number {
  const options = parseArguments(argv);
  if (options === "help") {
    process.stdout.write(USAGE);
    return 0;
  }
  const schemas = path.join(options.repo, "schemas");
  if (!existsSync(schemas)) throw new UsageError(`no schemas/ folder in ${path.resolve(options.repo)}`);
  try {
    assertGitRepository(options.repo);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const files = readdirSync(schemas)
    .filter((file) => file.endsWith(".json"))
    .sort();
  const checks = files.map((file) =>
    checkSchemaFile(
      { name: path.basename(file, ".json"), versions: schemaVersions(options.repo, `schemas/${file}`) },
      options.mode,
    ),
  );
  const report = schemaCheckReport(checks, options.mode);
  process.stdout.write(report.text);
  return report.exitCode;
}

try {
  process.exitCode = run(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof UsageError)) throw error;
  process.stderr.write(`schema-check: ${error.message}\n\n${USAGE}`);
  process.exitCode = 2;
}
