/**
 * Each `sfn` command group and the package bin that implements it. The sfn CLI owns no behaviour of its
 * own: one implementation per command, in the package that owns the concept.
 */
export interface CommandRoute {
  /** Package whose bin runs the command. */
  packageName: string;
  bin: string;
  /** Arguments placed before the user's (e.g. `contract diff` → `sfn-codegen contract diff`). */
  prefix: readonly string[];
  summary: string;
}

export const commandRoutes: Readonly<Record<string, CommandRoute>> = {
  codegen: {
    packageName: "@sfn/codegen",
    bin: "sfn-codegen",
    prefix: [],
    summary: "generate platform bindings and service-contract code (sfn codegen --help)",
  },
  contract: {
    packageName: "@sfn/codegen",
    bin: "sfn-codegen",
    prefix: ["contract"],
    summary: "contract tools, e.g. `sfn contract diff old.json new.json` (additive or breaking)",
  },
  db: {
    packageName: "@sfn/datastore",
    bin: "sfn-db",
    prefix: [],
    summary: "database: `sfn db migrate`, `sfn db grant-admin --database D --user U`",
  },
  audit: {
    packageName: "@sfn/datastore",
    bin: "sfn-db",
    prefix: [],
    summary: "audit trail: `sfn audit verify`, `sfn audit head`",
  },
  dev: {
    packageName: "@sfn/dev",
    bin: "sfn-dev",
    prefix: ["dev"],
    summary: "run a service with an embedded broker, database and OIDC issuer: `sfn dev [service-dir]`",
  },
  call: {
    packageName: "@sfn/dev",
    bin: "sfn-dev",
    prefix: ["call"],
    summary: "call a function: `sfn call <service> <function> --params '{...}' --as carol`",
  },
  runtime: {
    packageName: "@sfn/runtime",
    bin: "sfn-runtime",
    prefix: [],
    summary: "the function host process: `sfn runtime start|check [service-dir]`",
  },
  dlq: {
    packageName: "@sfn/runtime",
    bin: "sfn-runtime",
    prefix: ["dlq"],
    summary: "dead letters: `sfn dlq list|show <id>|replay <id>` (the sfn_runtime.dead_letters table)",
  },
  build: {
    packageName: "@sfn/sidecar",
    bin: "sfn-sidecar",
    prefix: ["build"],
    summary: "build an application layer: `sfn build <service-dir> --version V --base HOST/REPO:TAG`",
  },
  publish: {
    packageName: "@sfn/sidecar",
    bin: "sfn-sidecar",
    prefix: ["publish"],
    summary:
      "push a build to an OCI registry and add it to the catalog: `sfn publish <dir> --repository HOST/REPO`",
  },
  deploy: {
    packageName: "@sfn/sidecar",
    bin: "sfn-sidecar",
    prefix: ["deploy"],
    summary: "set the version an application runs and follow the events: `sfn deploy <app> <version>`",
  },
  rollback: {
    packageName: "@sfn/sidecar",
    bin: "sfn-sidecar",
    prefix: ["rollback"],
    summary: "go back to the previous version: `sfn rollback <app>`",
  },
  undeploy: {
    packageName: "@sfn/sidecar",
    bin: "sfn-sidecar",
    prefix: ["undeploy"],
    summary: "stop an application: `sfn undeploy <app>`",
  },
  catalog: {
    packageName: "@sfn/sidecar",
    bin: "sfn-sidecar",
    prefix: ["catalog"],
    summary: "the application catalog: `sfn catalog list|show|approve [--breaking]|deprecate`",
  },
  sidecar: {
    packageName: "@sfn/sidecar",
    bin: "sfn-sidecar",
    prefix: [],
    summary: "the pod sidecar: `sfn sidecar run` (SFN_* settings), `sfn sidecar supervise <app-link>`",
  },
  conformance: {
    packageName: "@sfn/conformance",
    bin: "sfn-conformance",
    prefix: [],
    summary:
      "run the conformance cases against language runtimes: `sfn conformance [--lang node,python] [--case <glob>]`",
  },
  fixture: {
    packageName: "@sfn/testkit",
    bin: "sfn-fixture",
    prefix: [],
    summary: "the local test services: `sfn fixture up|down|status|env`",
  },
};

/** `sfn audit verify` is `sfn-db audit-verify`: the audit group's verbs are prefixed on the way through. */
export function argumentsFor(group: string, args: readonly string[]): string[] {
  const route = commandRoutes[group];
  if (route === undefined) return [...args];
  if (group === "audit" && args[0] !== undefined && !args[0].startsWith("-")) {
    return [`audit-${args[0]}`, ...args.slice(1)];
  }
  return [...route.prefix, ...args];
}

export function usage(): string {
  const width = Math.max(...Object.keys(commandRoutes).map((name) => name.length));
  const lines = Object.entries(commandRoutes).map(
    ([name, route]) => `  ${name.padEnd(width)}  ${route.summary}`,
  );
  return `usage: sfn <command> [arguments]\n\n${lines.join("\n")}\n`;
}
