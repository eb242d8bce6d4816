import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { type Envelope, newCallId, SfnError } from "@sfn/contracts";
import { DevCaller, startDev } from "@sfn/dev";

export type Outcome =
  | { status: "success"; result: unknown }
  | { status: "error"; type: string; code: string | undefined; message: string; details?: unknown };

export interface DemoStep {
  title: string;
  as: string;
  call: string;
  outcome: Outcome;
}

export interface DemoResult {
  mqttUrl: string;
  issuer: string;
  steps: DemoStep[];
  /** Users in the collection before and after the duplicated call. */
  usersBeforeDuplicate: number;
  usersAfterDuplicate: number;
  notifications: unknown[];
}

const serviceDir = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * Starts `sfn dev` on this service (fresh state in a temp dir), then runs the scripted calls: an
 * authorised call, a validation error, a forbidden call, and one call sent twice with the same callId
 * — answered twice, executed once.
 */
export async function runDemo(
  options: {
    onStep?: (step: DemoStep) => void;
    onLog?: (text: string) => void;
    /** Another implementation of the same contract, e.g. the Python twin (examples/python/user-service). */
    serviceDir?: string;
    /** The Python interpreter with sfn-runtime, for a Python service. */
    pythonCommand?: string;
  } = {},
) {
  const stateDir = mkdtempSync(join(tmpdir(), "sfn-user-service-demo-"));
  const dev = await startDev({
    serviceDir: options.serviceDir ?? serviceDir,
    stateDir,
    watch: false,
    onLog: (line) => options.onLog?.(line.text),
    ...(options.pythonCommand ? { pythonCommand: options.pythonCommand } : {}),
  });
  const caller = await DevCaller.connect(dev.session);
  const notifications: unknown[] = [];
  const steps: DemoStep[] = [];
  try {
    await caller.subscribe("notifications", (message: Envelope) => notifications.push(message.body));

    const step = async (
      title: string,
      as: string,
      fn: string,
      parameters: Record<string, unknown>,
      callId?: string,
    ): Promise<Outcome> => {
      let outcome: Outcome;
      try {
        outcome = {
          status: "success",
          result: (await caller.call("UserService", fn, parameters, { as, callId })).result,
        };
      } catch (error) {
        if (!(error instanceof SfnError)) throw error;
        const info = error.toErrorInfo();
        outcome = {
          status: "error",
          type: info.type,
          code: info.code,
          message: info.message,
          details: info.details,
        };
      }
      const done = { title, as, call: `${fn}(${JSON.stringify(parameters)})`, outcome };
      steps.push(done);
      options.onStep?.(done);
      return outcome;
    };
    const total = async () => {
      const outcome = await step("count the users", "carol", "listUsers", { pageSize: 1 });
      return outcome.status === "success" ? (outcome.result as { total: number }).total : Number.NaN;
    };

    const created = await step("authorised call: carol (admin) creates a user", "carol", "createUser", {
      email: "ada@example.test",
      name: "Ada Lovelace",
    });
    if (created.status === "success") {
      await step("carol reads it back", "carol", "getUser", created.result as Record<string, unknown>);
    }
    await step("validation error: a bad email and an empty name", "carol", "createUser", {
      email: "not-an-email",
      name: "",
    });
    await step("forbidden: mallory has no role that may write users", "mallory", "createUser", {
      email: "eve@example.test",
      name: "Eve",
    });
    const usersBeforeDuplicate = await total();
    const callId = newCallId();
    const grace = { email: "grace@example.test", name: "Grace Hopper" };
    await step("duplicate callId, first delivery: executed", "carol", "createUser", grace, callId);
    await step(
      "duplicate callId, second delivery: the stored reply, not run again",
      "carol",
      "createUser",
      grace,
      callId,
    );
    const usersAfterDuplicate = await total();
    // Notifications are fire-and-forget; give the last one a moment to arrive before reporting.
    for (let i = 0; i < 20 && notifications.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    return {
      mqttUrl: dev.session.mqttUrl,
      issuer: dev.session.issuer,
      steps,
      usersBeforeDuplicate,
      usersAfterDuplicate,
      notifications,
    } satisfies DemoResult;
  } finally {
    await caller.close();
    await dev.close();
    rmSync(stateDir, { recursive: true, force: true });
  }
}
