import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createAptInstaller } from "./apt.js";
import { run } from "./system.js";

/**
 * A stand-in apt-get (a shell script) that behaves like the real one on a fresh machine: `install`
 * fails until `update` has fetched the package lists, and a second apt-get running at the same time
 * fails on the dpkg lock. It logs every invocation.
 */
function freshMachineAptGet(dir: string): string {
  const script = join(dir, "apt-get");
  writeFileSync(
    script,
    `#!/bin/sh
echo "$*" >> "${dir}/calls"
if ! mkdir "${dir}/lock" 2>/dev/null; then echo "E: Could not get lock /var/lib/dpkg/lock-frontend" >&2; exit 100; fi
trap 'rmdir "${dir}/lock"' EXIT
sleep 0.05
case " $* " in
  *" update "*) touch "${dir}/lists"; exit 0 ;;
  *" install "*) if [ -f "${dir}/lists" ]; then exit 0; else echo "E: Unable to locate package $*" >&2; exit 100; fi ;;
esac
exit 1
`,
  );
  chmodSync(script, 0o755);
  return script;
}

describe("apt installs", () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("runs apt-get update once when the install fails, serialises parallel installs, and waits for the dpkg lock", async () => {
    dir = mkdtempSync(join(tmpdir(), "sfn-apt-"));
    const aptGet = freshMachineAptGet(dir);
    const install = createAptInstaller((args) => run(aptGet, args));
    const lines: string[] = [];
    // The fixture starts Mosquitto and PostgreSQL at the same time.
    await Promise.all([install(["mosquitto"], (l) => lines.push(l)), install(["postgresql-15"], () => {})]);
    const calls = readFileSync(join(dir, "calls"), "utf8").trim().split("\n");
    expect(calls).toEqual([
      "-o DPkg::Lock::Timeout=600 install -y --no-install-recommends mosquitto",
      "-o DPkg::Lock::Timeout=600 update",
      "-o DPkg::Lock::Timeout=600 install -y --no-install-recommends mosquitto",
      "-o DPkg::Lock::Timeout=600 install -y --no-install-recommends postgresql-15",
    ]);
    expect(lines).toContain("apt-get install failed; running apt-get update and retrying");
  });

  it("fails with apt-get's output when the package does not exist even after an update", async () => {
    dir = mkdtempSync(join(tmpdir(), "sfn-apt-"));
    const install = createAptInstaller(async (args) =>
      args.includes("update")
        ? { code: 0, stdout: "", stderr: "" }
        : { code: 100, stdout: "", stderr: "E: Unable to locate package no-such-package" },
    );
    await expect(install(["no-such-package"], () => {})).rejects.toThrow(
      /apt-get install -y no-such-package failed \(exit 100\):\nE: Unable to locate package no-such-package/,
    );
    // The lists were refreshed once; a later failure does not update again, and the queue goes on.
    await expect(install(["other"], () => {})).rejects.toThrow(/exit 100/);
  });
});
