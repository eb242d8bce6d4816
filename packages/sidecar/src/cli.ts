#!/usr/bin/env node
// sfn-sidecar: the pod's sidecar and the build → publish → deploy commands (`sfn build`, `sfn publish`,
// `sfn deploy`, `sfn rollback`, `sfn undeploy`, `sfn catalog`, `sfn sidecar` route here).
import { SfnError } from "@sfn/contracts";
import { USAGE_ERROR } from "./cli/args.js";
import { deploymentCommand } from "./cli/deployment-command.js";
import { buildCommand, catalogCommand, publishCommand } from "./cli/pipeline-commands.js";
import { runSidecar, runSupervisor } from "./cli/run-sidecar.js";

const usage = `usage: sfn-sidecar <command>
  run                                   the sidecar of a pod (settings: SFN_* variables, docs/deployment.md)
  supervise <app-link>                  the main container's process for the kubernetes driver
  build <service-dir> --version V --base HOST/REPO:TAG [--out DIR]
  publish <layout-dir> --repository HOST/REPO
  deploy <app> <version> [--deadline MS] [--timeout MS] [--no-follow]
  rollback <app> | undeploy <app>       [--deadline MS] [--timeout MS] [--no-follow]
  catalog list [app] [--json] | show <app> <version> | approve <app> <version> [--breaking] | deprecate <app> <version>
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const out = (line: string) => process.stdout.write(`${line}\n`);
  switch (command) {
    case "run":
      await runSidecar();
      return 0;
    case "supervise":
      if (!rest[0]) break;
      await runSupervisor(rest[0], process.env);
      return 0;
    case "build":
      return buildCommand(rest, out);
    case "publish":
      return publishCommand(rest, process.env, out);
    case "deploy":
    case "rollback":
    case "undeploy":
      return deploymentCommand(command, rest, process.env, out);
    case "catalog":
      return catalogCommand(rest, process.env, out);
    case "--help":
    case "-h":
      process.stdout.write(usage);
      return 0;
  }
  process.stderr.write(usage);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = SfnError.isInstance(error)
      ? `${error.type} ${error.code}: ${error.message}`
      : String((error as Error)?.stack ?? error);
    process.stderr.write(`sfn-sidecar: ${message}\n`);
    // 0 success, 1 a failed request (its typed error above), 2 a usage error — as the sfn CLI.
    process.exitCode = SfnError.isInstance(error) && error.code === USAGE_ERROR ? 2 : 1;
  },
);
