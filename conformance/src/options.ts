import { parseArgs } from "node:util";

export interface ConformanceOptions {
  /** Languages to run (default: every runtimes/<lang>.json). */
  languages: string[] | undefined;
  /** Case-id globs (comma-separated lists allowed). */
  cases: string[];
  /** `external`: use the fixture services of the SFN_* variables as they are (EMQX, managed PostgreSQL). */
  fixture: "local" | "external";
  junit: string | undefined;
  json: string | undefined;
  html: string | undefined;
  updateGolden: boolean;
  /** Concurrent lanes per language (default 3). */
  lanes: number;
  /** Extra environment for every launched runtime (`--runtime-env KEY=VALUE`, repeatable). */
  runtimeEnv: Record<string, string>;
  /** Progress lines (default true). */
  progress: boolean;
  /** Skip the runtimes' build commands (they were built already, e.g. by an earlier run). */
  build: boolean;
}

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export const USAGE = `usage: sfn conformance [--lang node,python] [--case <glob>] [--fixture external]
                       [--junit out.xml] [--json out.json] [--html out.html] [--update-golden]
                       [--lanes N] [--runtime-env KEY=VALUE] [--no-build] [--quiet]

Runs the conformance cases (conformance/cases) against each language's conformance service and prints
the case x language matrix. Exit code 1 on any unexpected failure (FAIL or XPASS), 2 on a usage error.
`;

export function parseOptions(argv: readonly string[]): ConformanceOptions {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values } = parsed;
  const fixture = values.fixture ?? (process.env.SFN_FIXTURE === "external" ? "external" : "local");
  if (fixture !== "local" && fixture !== "external")
    throw new UsageError(`--fixture must be external (got ${fixture})`);
  const lanes = values.lanes === undefined ? 3 : Number(values.lanes);
  if (!Number.isInteger(lanes) || lanes < 1 || lanes > 16)
    throw new UsageError("--lanes must be an integer from 1 to 16");
  const runtimeEnv: Record<string, string> = {};
  for (const pair of values["runtime-env"] ?? []) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new UsageError(`--runtime-env expects KEY=VALUE (got ${pair})`);
    runtimeEnv[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const languages = (values.lang ?? [])
    .flatMap((l) => l.split(","))
    .map((l) => l.trim())
    .filter(Boolean);
  return {
    languages: languages.length > 0 ? languages : undefined,
    cases: values.case ?? [],
    fixture,
    junit: values.junit,
    json: values.json,
    html: values.html,
    updateGolden: values["update-golden"] ?? false,
    lanes,
    runtimeEnv,
    progress: !(values.quiet ?? false),
    build: !(values["no-build"] ?? false),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: false,
    options: {
      lang: { type: "string", multiple: true },
      case: { type: "string", multiple: true },
      fixture: { type: "string" },
      junit: { type: "string" },
      json: { type: "string" },
      html: { type: "string" },
      "update-golden": { type: "boolean" },
      lanes: { type: "string" },
      "runtime-env": { type: "string", multiple: true },
      quiet: { type: "boolean" },
      "no-build": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}

export function wantsHelp(argv: readonly string[]): boolean {
  return argv.includes("--help") || argv.includes("-h");
}
