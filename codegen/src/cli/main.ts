import { parseArgs } from "node:util";
import { ContractError } from "../contract/errors.js";
import { PLATFORM_LANGUAGES, type PlatformLanguage } from "../platform/dirs.js";
import {
  contractCheck,
  contractDiff,
  contractGenerate,
  type Io,
  printContractError,
} from "./contract-commands.js";
import { findRepoRoot } from "./repo-root.js";
import { USAGE, UsageError } from "./usage.js";

async function platform(flags: { check?: boolean; root?: string; lang?: string }, io: Io): Promise<number> {
  const root = flags.root ?? findRepoRoot(process.cwd());
  if (root === undefined)
    throw new UsageError("no pnpm-workspace.yaml above the current directory; pass --root");
  const langs = (flags.lang?.split(",") ?? PLATFORM_LANGUAGES) as PlatformLanguage[];
  for (const l of langs)
    if (!(PLATFORM_LANGUAGES as readonly string[]).includes(l))
      throw new UsageError(`unknown language '${l}'`);
  // Loaded on demand: quicktype-core takes a few hundred ms to import, which a cached run never needs.
  const { checkPlatform, writePlatform } = await import("../platform/generate.js");
  if (flags.check === true) {
    const stale = await checkPlatform(root, langs);
    if (stale.length === 0) {
      io.out("platform bindings are up to date\n");
      return 0;
    }
    io.err(
      `platform bindings are stale (run \`sfn-codegen platform\`):\n${stale.map((s) => `  ${s.path} (${s.reason})`).join("\n")}\n`,
    );
    return 1;
  }
  const written = await writePlatform(root, langs);
  io.out(
    written.length === 0
      ? "platform bindings unchanged\n"
      : `wrote ${written.length} files:\n  ${written.join("\n  ")}\n`,
  );
  return 0;
}

/** Runs the CLI; returns the exit code (0 ok, 1 stale / breaking / invalid, 2 usage). */
export async function main(argv: string[], io: Io): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        check: { type: "boolean" },
        root: { type: "string" },
        lang: { type: "string" },
        out: { type: "string" },
        namespace: { type: "string" },
        package: { type: "string" },
        module: { type: "string" },
        "just-types": { type: "boolean" },
        "cache-dir": { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    });
    const [command, sub, ...rest] = positionals;
    if (values.help === true || command === undefined) {
      io.out(USAGE);
      return command === undefined && values.help !== true ? 2 : 0;
    }
    if (command === "platform") return await platform(values, io);
    if (command === "contract" && sub === "generate" && rest.length === 1)
      return await contractGenerate(rest[0]!, values, io);
    if (command === "contract" && sub === "check" && rest.length === 1) return contractCheck(rest[0]!, io);
    if (command === "contract" && sub === "diff" && rest.length === 2)
      return contractDiff(rest[0]!, rest[1]!, values.json === true, io);
    throw new UsageError(`unknown command: ${positionals.join(" ")}`);
  } catch (e) {
    if (e instanceof ContractError) {
      printContractError(e, io);
      return argv[1] === "diff" ? 2 : 1;
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw e;
  }
}
