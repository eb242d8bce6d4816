import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { requirePythonRuntimeVenv } from "@sfn/testkit";
import { beforeAll, describe, expect, it } from "vitest";
import { runDemo } from "./demo.js";

const repo = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

// Creating the venv (pip install from PyPI, once per checkout) can take minutes on a fresh machine.
let python = "";
beforeAll(async () => {
  python = await requirePythonRuntimeVenv();
}, 600_000);

describe("user-service demo on sfn dev (the README's main job)", () => {
  it.each([
    { language: "TypeScript", options: () => ({}) },
    {
      // the Python twin serves the same contract: the same demo gives the same outcomes
      language: "Python",
      options: () => ({
        serviceDir: join(repo, "examples", "python", "user-service"),
        pythonCommand: python,
      }),
    },
  ])(
    "$language: answers an authorised call, a validation error, a forbidden call, and a duplicate callId once",
    async ({ options }) => {
      const result = await runDemo(options());
      const byTitle = Object.fromEntries(result.steps.map((s) => [s.title, s.outcome]));
      const created = byTitle["authorised call: carol (admin) creates a user"];
      expect(created).toMatchObject({ status: "success", result: { userId: expect.any(String) } });
      const userId = (created as { result: { userId: string } }).result.userId;
      expect(byTitle["carol reads it back"]).toMatchObject({
        status: "success",
        result: { userId, email: "ada@example.test", name: "Ada Lovelace" },
      });
      expect(byTitle["validation error: a bad email and an empty name"]).toMatchObject({
        status: "error",
        type: "ValidationError",
        code: "SFN_PARAMETERS_INVALID",
        details: {
          violations: expect.arrayContaining([
            expect.objectContaining({ path: "/body/parameters/email", keyword: "format" }),
            expect.objectContaining({ path: "/body/parameters/name", keyword: "minLength" }),
          ]),
        },
      });
      expect(byTitle["forbidden: mallory has no role that may write users"]).toMatchObject({
        status: "error",
        type: "Forbidden",
        code: "SFN_FORBIDDEN",
      });
      const first = byTitle["duplicate callId, first delivery: executed"];
      const second = byTitle["duplicate callId, second delivery: the stored reply, not run again"];
      expect(first).toMatchObject({ status: "success" });
      expect(second).toEqual(first);
      expect(result.usersAfterDuplicate).toBe(result.usersBeforeDuplicate + 1);
      expect(result.notifications).toContainEqual({ type: "user created", userId });
    },
  );
});
