// The sfn-runtime commands (see ../cli.ts, which loads this module once the compile cache is on).
import { SfnError } from "@sfn/contracts";
import { runDlqCommand } from "../dlq/dlq-command.js";
import { runService } from "../host/run-service.js";
import { devGrantsSeeder, loadService } from "./load-service.js";
import { loadServiceConfig } from "./service-config.js";

const usage = `usage: sfn-runtime start [service-dir]   serve the service of service-dir/sfn.config.json
       sfn-runtime check [service-dir]   check the config, contract and entry, then exit
       sfn-runtime dlq list|show|replay  dead letters (sfn-runtime dlq --help)

Settings come from SFN_* environment variables (docs/runtime.md): SFN_MQTT_URL, SFN_MQTT_PROTOCOL,
SFN_OIDC_ISSUER, SFN_OIDC_AUDIENCE, SFN_DATABASE_URL (postgres://… or pglite:<dir>), SFN_HTTP_PORT, …
`;

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "dlq") {
    return runDlqCommand(argv.slice(1), {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
    });
  }
  const [command, dir = ".", ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h") {
    process.stdout.write(usage);
    return command === undefined ? 2 : 0;
  }
  if ((command !== "start" && command !== "check") || rest.length > 0) {
    process.stderr.write(`sfn-runtime: unknown arguments: ${argv.join(" ")}\n\n${usage}`);
    return 2;
  }
  const loaded = loadServiceConfig(dir);
  const service = await loadService(loaded);
  if (command === "check") {
    process.stdout.write(`${service.name}: ${Object.keys(service.functions).join(", ")}\n`);
    return 0;
  }
  const env = { ...process.env, SFN_DATABASE: process.env.SFN_DATABASE || loaded.config.database };
  await runService(
    service,
    { config: loaded.config.settings ?? {}, prepareEmbeddedDatabase: devGrantsSeeder(loaded) },
    env,
  );
  return -1; // serving; SIGTERM ends the process
}

/** Runs a command line and sets the exit code; a failure prints its type and message, not a stack. */
export function runCli(argv: string[]): Promise<void> {
  return main(argv).then(
    (code) => {
      if (code >= 0) process.exitCode = code;
    },
    (error: unknown) => {
      const message =
        error instanceof SfnError
          ? `${error.type}: ${error.message}`
          : String((error as Error)?.stack ?? error);
      process.stderr.write(`sfn-runtime: ${message}\n`);
      process.exitCode = 1;
    },
  );
}
