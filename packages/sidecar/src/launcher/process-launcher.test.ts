import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ValidationError } from "@sfn/contracts";
import { afterEach, describe, expect, it } from "vitest";
import { ProcessLauncher } from "./process-launcher.js";
import { runtimeCommand } from "./runtime-command.js";

// A stand-in function: answers /readyz with 200 on SFN_HTTP_PORT.
const STAND_IN = `require("node:http").createServer((q, r) => r.end("ok")).listen(Number(process.env.SFN_HTTP_PORT), "127.0.0.1")`;

const launchers: ProcessLauncher[] = [];
afterEach(async () => {
  await Promise.all(launchers.splice(0).map((l) => l.stop()));
});

function appDir(name: string, sfnApp: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), "sfn-launcher-")), name);
  mkdirSync(dir);
  writeFileSync(join(dir, "sfn-app.json"), sfnApp);
  return dir;
}

/** /proc state letter (T: frozen by SIGSTOP), or "gone". */
async function state(pid: number | undefined): Promise<string> {
  const { readFile } = await import("node:fs/promises");
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => undefined);
  return stat === undefined ? "gone" : stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
}

async function ready(port: number): Promise<boolean> {
  for (let i = 0; i < 200; i++) {
    if ((await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined))?.ok) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return false;
}

describe("ProcessLauncher", () => {
  it("a layer it cannot start is refused before anything changes: the running process keeps serving, not frozen", async () => {
    const good = appDir("good", JSON.stringify({ app: "Echo", language: "node" }));
    const bad = appDir("bad", "{ not json");
    const resolve = runtimeCommand();
    const launcher = new ProcessLauncher({
      // the stand-in for the good layer; the real command (which reads sfn-app.json) for the others
      command: (dir) => (dir === good ? { file: process.execPath, args: ["-e", STAND_IN] } : resolve(dir)),
      stopGraceMs: 1000,
    });
    launchers.push(launcher);
    await launcher.restart(good);
    const serving = launcher.current!;
    expect(await ready(serving.port)).toBe(true);
    await launcher.confirm();

    await expect(launcher.restart(bad)).rejects.toThrow(ValidationError);
    await expect(launcher.restart(bad)).rejects.toThrow("sfn-app.json is not valid JSON");
    expect(launcher.current).toBe(serving);
    expect(launcher.previous).toBeUndefined();
    expect(await state(serving.pid)).not.toBe("T");
    expect(await ready(serving.port)).toBe(true);
    // what the sidecar does after a failed start: revert — nothing was started, so nothing is undone
    expect(await launcher.revert()).toBe(true);
    expect(launcher.current).toBe(serving);
    expect(launcher.exited()).toBeUndefined();
  });

  it("revert after a restart that started: the new process goes, the frozen previous one resumes", async () => {
    const v1 = appDir("v1", "{}");
    const v2 = appDir("v2", "{}");
    const launcher = new ProcessLauncher({
      command: (dir) => ({
        file: process.execPath,
        args: ["-e", dir === v1 ? STAND_IN : "setInterval(() => {}, 1000)"], // v2 never listens
      }),
      stopGraceMs: 1000,
    });
    launchers.push(launcher);
    await launcher.restart(v1);
    const first = launcher.current!;
    expect(await ready(first.port)).toBe(true);
    await launcher.confirm();
    await launcher.restart(v2);
    expect(await state(first.pid)).toBe("T");
    const second = launcher.current!;
    expect(await launcher.revert()).toBe(true);
    expect(launcher.current).toBe(first);
    expect(await state(first.pid)).not.toBe("T");
    await second.whenExited();
    expect(await ready(first.port)).toBe(true);
  });
});
