#!/usr/bin/env node
import { parseArgs } from "node:util";
import { formatEnvExports, resolveFixtureConfig } from "./config.js";
import { fixtureStatus, formatServiceLine, stopFixture, upFixture } from "./fixture.js";

const USAGE = `usage: sfn-fixture <command> [options]

Starts and stops the shared sfn test services on 127.0.0.1: Mosquitto (MQTT 5), PostgreSQL 15 and an
oidc-provider OIDC issuer. Data, logs and pid files live in SFN_FIXTURE_DIR (default \${TMPDIR:-/tmp}/sfn-fixture).

commands:
  up             start whatever is not answering yet (idempotent; reuses running services)
  down [--purge] stop the services the fixture started; --purge also deletes the data directory
  status         probe the services and print their versions (exit 3 if any is down)
  env            print the SFN_* variables as 'export VAR=value' lines (eval "$(sfn-fixture env)")

options:
  --external     only check SFN_MQTT_URL / SFN_DATABASE_URL / SFN_OIDC_ISSUER (same as SFN_FIXTURE=external)
  --dir DIR      data directory (same as SFN_FIXTURE_DIR)
  -q, --quiet    no progress lines on stderr
  -h, --help     this text

ports: SFN_MQTT_PORT (18830), SFN_PG_PORT (15432), SFN_OIDC_PORT (18900)`;

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      purge: { type: "boolean", default: false },
      external: { type: "boolean", default: false },
      dir: { type: "string" },
      quiet: { type: "boolean", short: "q", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const command = positionals[0];
  if (values.help || !command || command === "help") {
    process.stdout.write(`${USAGE}\n`);
    return command || values.help ? 0 : 2;
  }
  const options = {
    ...(values.external ? { mode: "external" as const } : {}),
    ...(values.dir ? { dir: values.dir } : {}),
    ...(values.quiet ? { log: false as const } : {}),
  };

  switch (command) {
    case "up": {
      const result = await upFixture(options);
      for (const s of result.services) process.stdout.write(`${formatServiceLine(s)}\n`);
      process.stdout.write(
        `fixture ready (${result.mode}) in ${Math.round(result.elapsedMs)} ms; env: ${result.envFile}\n`,
      );
      return 0;
    }
    case "down": {
      await stopFixture({ ...options, purge: values.purge });
      return 0;
    }
    case "status": {
      const status = await fixtureStatus(options);
      process.stdout.write(`mode ${status.mode}, data dir ${status.dir}\n`);
      for (const s of status.services) process.stdout.write(`${formatServiceLine(s)}\n`);
      return status.services.every((s) => s.running) ? 0 : 3;
    }
    case "env": {
      process.stdout.write(formatEnvExports(resolveFixtureConfig(options).env));
      return 0;
    }
    default:
      process.stderr.write(`sfn-fixture: unknown command ${JSON.stringify(command)}\n\n${USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`sfn-fixture: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
