// The README's main job: `sfn dev` on this service, then a scripted demo printing each result.
import { type DemoStep, runDemo } from "./demo.js";

function show(step: DemoStep): void {
  const { outcome } = step;
  const text =
    outcome.status === "success"
      ? `ok     ${JSON.stringify(outcome.result)}`
      : `error  ${outcome.type} ${outcome.code ?? ""}: ${outcome.message}${
          outcome.details === undefined ? "" : `\n         details: ${JSON.stringify(outcome.details)}`
        }`;
  console.log(`\n> ${step.title}\n  as ${step.as}: UserService.${step.call}\n  ${text}`);
}

const started = performance.now();
console.log("Starting sfn dev on examples/user-service (aedes broker, PGlite database, dev OIDC issuer)…");
const result = await runDemo({
  onStep: show,
  onLog: process.env.SFN_DEMO_VERBOSE ? (text) => console.log(`  | ${text}`) : undefined,
});
console.log(`\nnotifications received on 'notifications': ${JSON.stringify(result.notifications)}`);
console.log(
  `users before the duplicated call: ${result.usersBeforeDuplicate}, after: ${result.usersAfterDuplicate} ` +
    `(one insert for two deliveries of the same callId)`,
);
console.log(`\ndemo finished in ${((performance.now() - started) / 1000).toFixed(1)} s`);
if (result.usersAfterDuplicate !== result.usersBeforeDuplicate + 1) process.exitCode = 1;
