#!/usr/bin/env node
// sfn-dev: `sfn dev` (a service with everything embedded) and `sfn call` (call any running service).
import { existsSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { SfnError } from "@sfn/contracts";
import { JWT_RESOURCE, mintToken, TEST_CLIENT_ID, TEST_CLIENT_SECRET } from "@sfn/testkit";
import { DevCaller, type DevEndpoints } from "./dev-caller.js";
import { type DevSession, defaultSessionFile, startDev } from "./dev-server.js";
import { exampleParameters } from "./example-parameters.js";
import { formatLogLine, shellQuote } from "./format.js";

const usage = `usage:
  sfn dev [service-dir] [--port N] [--state-dir DIR] [--no-watch]
      run the service of service-dir/sfn.config.json with an embedded broker (aedes, MQTT 3.1.1),
      PGlite database and OIDC issuer; restart it when its files change
  sfn call <service> <function> [--params JSON] [--as USER] [--timeout MS] [--call-id ID]
           [--mqtt URL] [--mqtt-protocol 5|3.1.1] [--issuer URL]
      call a function and print the result (exit 1 with the typed error on an error reply);
      endpoints default to the last \`sfn dev\` session (${defaultSessionFile()})
`;

class UsageError extends Error {}

async function dev(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      port: { type: "string" },
      "state-dir": { type: "string" },
      "no-watch": { type: "boolean" },
    },
  });
  if (positionals.length > 1)
    throw new UsageError(`sfn dev takes one service directory, got ${positionals.join(" ")}`);
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got '${values.port}'`);
  }
  const server = await startDev({
    serviceDir: positionals[0] ?? ".",
    stateDir: values["state-dir"],
    mqttPort: port,
    watch: !values["no-watch"],
    onLog: (line) => process.stdout.write(`${formatLogLine(line)}\n`),
  });
  const { session } = server;
  const example = session.functions[0] ?? "<function>";
  const params = JSON.stringify(exampleParameters(server.config.contract, example));
  const token = await mintToken("carol", {
    issuer: session.issuer,
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    resource: JWT_RESOURCE,
  });
  process.stdout.write(
    [
      "",
      `  ${session.service} is running (functions: ${session.functions.join(", ")})`,
      `  MQTT broker   ${session.mqttUrl}  (MQTT 3.1.1, embedded aedes)`,
      `  OIDC issuer   ${session.issuer}  (users: alice, bob, carol, mallory)`,
      `  database      PGlite in ${server.config.dir}/.sfn/dev/db`,
      "",
      "  Try:",
      `    sfn call ${session.service} ${example} --params ${shellQuote(params)} --as carol`,
      "",
      "  A bearer token for carol (roles admin, user), valid for an hour, for other MQTT clients:",
      `    ${token}`,
      "",
      "  Edit the service and it restarts; Ctrl-C stops everything.",
      "",
    ].join("\n"),
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await server.close();
  return 0;
}

function endpointsFrom(values: { mqtt?: string; "mqtt-protocol"?: string; issuer?: string }): DevEndpoints {
  let session: Partial<DevSession> = {};
  const file = defaultSessionFile();
  if ((!values.mqtt || !values.issuer) && existsSync(file)) {
    session = JSON.parse(readFileSync(file, "utf8")) as DevSession;
  }
  const mqttUrl = values.mqtt ?? process.env.SFN_MQTT_URL ?? session.mqttUrl;
  const issuer = values.issuer ?? process.env.SFN_OIDC_ISSUER ?? session.issuer;
  if (!mqttUrl || !issuer) {
    throw new UsageError("no running sfn dev session found: start `sfn dev`, or pass --mqtt and --issuer");
  }
  const protocol = values["mqtt-protocol"] ?? (values.mqtt ? "5" : String(session.mqttProtocolVersion ?? 5));
  if (!["5", "4", "3.1.1"].includes(protocol))
    throw new UsageError(`--mqtt-protocol must be 5 or 3.1.1, got '${protocol}'`);
  return { mqttUrl, issuer, mqttProtocolVersion: protocol === "5" ? 5 : 4 };
}

async function call(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      params: { type: "string", default: "{}" },
      as: { type: "string" },
      timeout: { type: "string", default: "10000" },
      "call-id": { type: "string" },
      mqtt: { type: "string" },
      "mqtt-protocol": { type: "string" },
      issuer: { type: "string" },
    },
  });
  const [service, fn, ...extra] = positionals;
  if (!service || !fn || extra.length > 0) throw new UsageError("sfn call needs <service> <function>");
  let parameters: unknown;
  try {
    parameters = JSON.parse(values.params);
  } catch (error) {
    throw new UsageError(`--params is not valid JSON: ${(error as Error).message}`);
  }
  if (typeof parameters !== "object" || parameters === null || Array.isArray(parameters)) {
    throw new UsageError("--params must be a JSON object");
  }
  const timeoutMs = Number(values.timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1)
    throw new UsageError(`--timeout must be a positive integer (ms)`);
  const caller = await DevCaller.connect(endpointsFrom(values));
  try {
    const { result } = await caller.call(service, fn, parameters as Record<string, unknown>, {
      as: values.as,
      timeoutMs,
      callId: values["call-id"],
    });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return 0;
  } finally {
    await caller.close();
  }
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === "dev") return await dev(rest);
    if (command === "call") return await call(rest);
    if (command === "--help" || command === "-h" || command === "help") {
      process.stdout.write(usage);
      return 0;
    }
    throw new UsageError(command === undefined ? "missing command" : `unknown command '${command}'`);
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      process.stderr.write(`sfn: ${(error as Error).message}\n\n${usage}`);
      return 2;
    }
    if (error instanceof SfnError) {
      const info = error.toErrorInfo();
      process.stderr.write(`${info.type} ${info.code ?? ""}: ${info.message}\n`);
      if (info.details !== undefined) process.stderr.write(`${JSON.stringify(info.details, null, 2)}\n`);
      return 1;
    }
    process.stderr.write(`sfn: ${(error as Error)?.stack ?? String(error)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
