import { cpSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { requirePythonRuntimeVenv } from "@sfn/testkit";
import { beforeAll, describe, expect, it } from "vitest";
import { DevCaller, startDev } from "../src/index.js";

// sfn dev on a Python service (examples/python/user-service): the dev server serves PGlite over a
// loopback socket to `python -m sfn_runtime`. What a user relies on beyond one session: the data
// survives a restart of the function (an edit) and a new `sfn dev` on the same state directory.
const repo = resolve(import.meta.dirname, "..", "..", "..");

// Creating the venv (pip install from PyPI, once per checkout) can take minutes on a fresh machine.
let python = "";
beforeAll(async () => {
  python = await requirePythonRuntimeVenv();
}, 600_000);

describe("sfn dev with a Python service", () => {
  it("keeps the data across a restart of the function and across a new sfn dev on the same state", async () => {
    const work = mkdtempSync(join(tmpdir(), "sfn-dev-python-"));
    const serviceDir = join(work, "user-service");
    cpSync(join(repo, "examples", "python", "user-service"), serviceDir, {
      recursive: true,
      filter: (path) => !/(__pycache__|\.sfn|\.mypy_cache|\.ruff_cache)/.test(path),
    });
    const options = { serviceDir, stateDir: join(work, "state"), watch: false, pythonCommand: python };

    let dev = await startDev(options);
    let caller = await DevCaller.connect(dev.session);
    const { result } = await caller.call(
      "UserService",
      "createUser",
      { email: "ada@example.test", name: "Ada" },
      { as: "carol" },
    );
    const { userId } = result as { userId: string };
    await dev.restart();
    expect((await caller.call("UserService", "getUser", { userId }, { as: "carol" })).result).toMatchObject({
      userId,
      email: "ada@example.test",
    });
    // the permission check holds on the socket's superuser session: mallory (no roles) is refused
    await expect(caller.call("UserService", "getUser", { userId }, { as: "mallory" })).rejects.toMatchObject({
      type: "Forbidden",
    });
    await caller.close();
    await dev.close();

    dev = await startDev(options); // migrations and dev.grants again, on the existing database
    caller = await DevCaller.connect(dev.session);
    try {
      const listed = await caller.call("UserService", "listUsers", { pageSize: 10 }, { as: "bob" });
      expect(listed.result).toMatchObject({ total: 1, items: [{ userId }] });
    } finally {
      await caller.close();
      await dev.close();
    }
  });
});
