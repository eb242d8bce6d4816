import { type ChildProcess, execFileSync } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createMessagingClient, type MessagingClient } from "@sfn/messaging";
import { ANONYMOUS_USER, createClient } from "@sfn/runtime";
import { pythonRuntimeVenv } from "@sfn/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApplication } from "../src/build/build-application.js";
import { requestDeploy } from "../src/build/deploy.js";
import { publishApplication } from "../src/build/publish.js";
import { freePort } from "../src/launcher/free-port.js";
import { pythonInterpreter } from "../src/launcher/runtime-command.js";
import { readLayer } from "../src/oci/layer.js";
import { Annotations } from "../src/oci/media-types.js";
import { pushBaseImage } from "./support/base-image.js";
import { createHarness, eventually, type Harness } from "./support/harness.js";
import {
  PYTHON_SERVICE_CODE,
  type PythonEchoServiceOptions,
  writePythonEchoService,
} from "./support/python-service.js";
import { startSupervisor, stopSupervisor, supervisorLauncher } from "./support/supervisor.js";

const runtimeDir = resolve(dirname(fileURLToPath(import.meta.url)), "../../../runtimes/python");

// The runtimes/python venv (created or reused by its own script); with the reason when it cannot be made
// (no network for PyPI, no python3). Top-level await: the describe below is skipped on that reason.
const venv = await pythonRuntimeVenv();
const skipReason = "reason" in venv ? ` — SKIPPED: the Python venv is unavailable: ${venv.reason}` : "";

let h: Harness;
let messaging: MessagingClient;
let pythonBase: string;
let supervisor: ChildProcess | undefined;

beforeAll(async () => {
  if (skipReason) return;
  h = await createHarness("python");
  pythonBase = await pushBaseImage(
    h.registry,
    "sfn/runtime-python",
    "3.12",
    "sfn python base runtime (test)\n",
  );
  messaging = await createMessagingClient({
    url: process.env.SFN_MQTT_URL!,
    clientId: `sidecar-python-${process.pid}`,
  });
});
afterAll(async () => {
  await h?.close();
  await stopSupervisor(supervisor);
  await messaging?.close();
});

interface EchoReply {
  text: string;
  label: string;
  runtime: string;
  database: string;
  greeting: string;
}

async function echo(text: string, service = "PyEchoService"): Promise<EchoReply> {
  const client = createClient(messaging.createMessaging(ANONYMOUS_USER), service, {
    topicPrefix: h.topicPrefix,
  });
  return (await client.echo!({ text }, { timeoutMs: 30_000 })) as EchoReply;
}

/** Builds the Python echo service (writePythonEchoService) as `version` and publishes it. */
async function publishPython(version: string, options: PythonEchoServiceOptions) {
  const name = options.name ?? "PyEchoService";
  const built = await buildApplication({
    serviceDir: writePythonEchoService(join(h.work, "src", `${name}-${version}`), options),
    version,
    baseImage: pythonBase,
    outDir: join(h.work, "images", `${name}-${version}`),
  });
  await publishApplication({
    layoutDir: built.outDir,
    repository: `${h.registry}/sfn-test/python/${name.toLowerCase()}`,
    store: h.store,
  });
  return built;
}

async function layerFiles(outDir: string, digest: string): Promise<Map<string, string>> {
  const blob = readFileSync(join(outDir, "blobs", "sha256", digest.slice("sha256:".length)));
  const files = new Map<string, string>();
  for (const { entry } of await readLayer(blob)) {
    if (entry?.type === "file") files.set(entry.path, entry.content.toString("utf8"));
  }
  return files;
}

describe.skipIf(skipReason !== "")(`Python services: build → publish → deploy → call${skipReason}`, () => {
  it("the default interpreter, run from the checkout, is the venv of runtimes/python/scripts/venv.sh", () => {
    expect(pythonInterpreter({ SFN_PY_VENV: process.env.SFN_PY_VENV })).toBe(
      (venv as { python: string }).python,
    );
  });

  it("builds a layer of only the service's code, the contract, the config, sfn-app.json and the Python glue; the same sources give the same digest", async () => {
    const dir = writePythonEchoService(join(h.work, "repro"), { label: "same" });
    const build = (out: string) =>
      buildApplication({
        serviceDir: dir,
        version: "1.0.0",
        baseImage: pythonBase,
        outDir: join(h.work, out),
      });
    const a = await build("repro-a");
    const b = await build("repro-b");
    expect(a.language).toBe("python");
    expect(b.layer.digest).toBe(a.layer.digest);
    expect(b.manifestDigest).toBe(a.manifestDigest);

    const files = await layerFiles(a.outDir, a.layer.digest);
    const glue = [...files.keys()].filter((path) => path.startsWith("generated/")).sort();
    expect([...files.keys()].filter((path) => !path.startsWith("generated/")).sort()).toEqual(
      [...PYTHON_SERVICE_CODE, "contract.json", "sfn-app.json", "sfn.config.json"].sort(),
    );
    expect(glue).toEqual([
      "generated/__init__.py",
      "generated/_support.py",
      "generated/contract.py",
      "generated/interface-hash.json",
      "generated/models.py",
    ]);
    expect(files.get("generated/contract.py")).toContain('SERVICE = "PyEchoService"');
    expect(JSON.parse(files.get("sfn-app.json")!)).toMatchObject({
      app: "PyEchoService",
      language: "python",
    });
    expect(JSON.parse(files.get("sfn.config.json")!)).toEqual({
      name: "PyEchoService",
      contract: "contract.json",
      entry: "echo_service/service.py:EchoService",
      database: "pyecho",
      settings: { greeting: "hello from same" },
      language: "python",
    });
    const manifest = JSON.parse(
      readFileSync(join(a.outDir, "blobs", "sha256", a.manifestDigest.slice("sha256:".length)), "utf8"),
    ) as { annotations: Record<string, string>; config: { digest: string } };
    expect(manifest.annotations[Annotations.language]).toBe("python");
    // The application image runs as it is: the Python base image's CMD reads SFN_SERVICE and SFN_CONTRACT.
    const config = JSON.parse(
      readFileSync(join(a.outDir, "blobs", "sha256", manifest.config.digest.slice(7)), "utf8"),
    ) as { config: { Env: string[]; WorkingDir: string } };
    expect(config.config.WorkingDir).toBe("/opt/sfn/app");
    expect(config.config.Env).toEqual(
      expect.arrayContaining([
        "PYTHONPATH=/opt/sfn/app",
        "SFN_SERVICE=echo_service.service:EchoService",
        "SFN_CONTRACT=/opt/sfn/app/contract.json",
        "SFN_DATABASE=pyecho",
      ]),
    );
    expect(manifest.annotations[Annotations.baseDigest]).toBe(pythonBase.split("@")[1]);

    writePythonEchoService(dir, { label: "changed" });
    const c = await build("repro-c");
    expect(c.layer.digest).not.toBe(a.layer.digest);
  });

  it("builds examples/python/user-service (given an sfn.config.json): its package, generated types included, and nothing else", async () => {
    const dir = join(h.work, "user-service");
    cpSync(resolve(runtimeDir, "../../examples/python/user-service"), dir, { recursive: true });
    writeFileSync(
      join(dir, "sfn.config.json"),
      JSON.stringify({ name: "UserService", contract: "contract.json", entry: "user_service/service.py" }),
    );
    const built = await buildApplication({
      serviceDir: dir,
      version: "1.0.0",
      baseImage: pythonBase,
      outDir: join(h.work, "user-service-image"),
    });
    const paths = [...(await layerFiles(built.outDir, built.layer.digest)).keys()];
    const code = paths.filter((path) => !path.startsWith("generated/") && !path.includes("/generated/"));
    expect(code.sort()).toEqual(
      [
        "contract.json",
        "sfn-app.json",
        "sfn.config.json",
        "user_service/__init__.py",
        "user_service/service.py",
      ].sort(),
    );
    expect(paths).toContain("user_service/generated/models.py"); // the package's own generated types
    expect(paths.filter((path) => /__pycache__|\.pyc$|^tests\/|^\./.test(path))).toEqual([]);
  });

  it("a sidecar pulls the layer and starts the Python runtime, which answers through MQTT; a new version replaces it", async () => {
    const publish = (version: string, label: string) => publishPython(version, { label });
    const v1 = await publish("1.0.0", "py-v1");
    const inspected = JSON.parse(
      execFileSync(
        "skopeo",
        [
          "inspect",
          "--tls-verify=false",
          "--raw",
          `docker://${(await h.store.catalogEntry("PyEchoService", "1.0.0"))!.appLayerImage}`,
        ],
        { encoding: "utf8" },
      ),
    ) as { layers: { digest: string }[]; annotations: Record<string, string> };
    expect(inspected.layers.at(-1)?.digest).toBe(v1.layer.digest);
    expect(inspected.annotations[Annotations.language]).toBe("python");

    const sidecar = h.sidecar("python-pod-1", {
      base: { image: pythonBase, interfaceHash: v1.interfaceHash },
    });
    await sidecar.start();
    await requestDeploy("PyEchoService", "1.0.0", { store: h.store, by: "test", readyDeadlineMs: 60_000 });
    await eventually(
      async () => ((await h.store.deployment("PyEchoService"))?.state === "serving" ? true : undefined),
      90_000,
      "PyEchoService 1.0.0 serving",
    );
    const reply = await echo("hello");
    // The config's settings reach the function as its `config` (python -m sfn_runtime reads the
    // sfn.config.json beside the contract in the application directory).
    expect(reply).toMatchObject({
      text: "hello",
      label: "py-v1",
      database: "pyecho",
      greeting: "hello from py-v1",
    });
    expect(reply.runtime).toMatch(/^python 3\.\d+/);

    await publish("2.0.0", "py-v2");
    await requestDeploy("PyEchoService", "2.0.0", { store: h.store, by: "test", readyDeadlineMs: 60_000 });
    await eventually(
      async () => {
        const d = await h.store.deployment("PyEchoService");
        return d?.state === "serving" && d.currentVersion === "2.0.0" ? true : undefined;
      },
      90_000,
      "PyEchoService 2.0.0 serving",
    );
    expect(await echo("again")).toMatchObject({ label: "py-v2", greeting: "hello from py-v2" });
    const events = (await h.store.events("PyEchoService")).map((e) => e.event);
    expect(events).toEqual(expect.arrayContaining(["claimed", "pulled", "started", "ready"]));

    await h.store.request("PyEchoService", "undeploy", null, "test");
    await eventually(async () =>
      (await h.store.deployment("PyEchoService"))?.state === "stopped" ? true : undefined,
    );
    expect(sidecar.options.launcher.exited()).toBe("not running"); // the Python process was stopped
    await sidecar.stop(); // a monitoring pod of this base image would claim the next test's deployment
  });

  it("the kubernetes driver with the Python base image's supervisor (python -m sfn_runtime.supervise): a redeploy under calls loses none, a version that crashes at start fails and rolls back", async () => {
    const service = "PyK8sService";
    const appsDir = join(h.work, "pods", "py-k8s-pod");
    const link = join(appsDir, "current");
    const port = await freePort();
    // the main container of a Python pod, in the sidecar's PID namespace
    const python = (venv as { python: string }).python;
    supervisor = startSupervisor(h, [python, "-m", "sfn_runtime.supervise", link], port, "py-k8s-pod");
    const launcher = supervisorLauncher(port, link);
    await eventually(async () => launcher.findSupervisor(), 30_000, "the Python supervisor");
    await eventually(
      async () => (await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined))?.ok,
    );
    expect((await fetch(launcher.readyUrl())).status).toBe(503); // monitoring mode: no function

    const v1 = await publishPython("1.0.0", { label: "k1", name: service });
    await publishPython("2.0.0", { label: "k2", name: service });
    await publishPython("3.0.0", { label: "k3", name: service, crashAtStart: true });
    const sidecar = h.sidecar("py-k8s-pod", {
      base: { image: pythonBase, interfaceHash: v1.interfaceHash },
      launcher,
      appsDir,
    });
    await sidecar.start();
    const serving = (version: string) =>
      eventually(
        async () => {
          const d = await h.store.deployment(service);
          return d?.state === "serving" && d.currentVersion === version ? d : undefined;
        },
        90_000,
        `${service} ${version} serving`,
      );
    await requestDeploy(service, "1.0.0", { store: h.store, by: "test", readyDeadlineMs: 60_000 });
    await serving("1.0.0");
    expect(await echo("first", service)).toMatchObject({ label: "k1", database: "pyecho" });

    // redeploy while a call goes out every 20 ms: each one is answered, in order, none lost
    const calls: Promise<EchoReply | Error>[] = [];
    let flowing = true;
    const stream = (async () => {
      for (let i = 0; flowing; i++) {
        calls.push(echo(String(i), service).catch((error: Error) => error));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    const stopCalls = async () => {
      flowing = false;
      await stream;
      const settled = await Promise.all(calls.splice(0));
      expect(settled.filter((r) => r instanceof Error).map(String)).toEqual([]);
      expect(settled.map((r) => (r as EchoReply).text)).toEqual(settled.map((_, i) => String(i)));
      return settled as EchoReply[];
    };
    await new Promise((resolve) => setTimeout(resolve, 300));
    await requestDeploy(service, "2.0.0", { store: h.store, by: "test", readyDeadlineMs: 60_000 });
    await serving("2.0.0");
    await new Promise((resolve) => setTimeout(resolve, 300));
    let answered = await stopCalls();
    expect(answered[0]?.label).toBe("k1");
    expect(answered.at(-1)?.label).toBe("k2");

    // 3.0.0 raises at import: the supervisor gives 2.0.0 back, whose /readyz stays 503 (the link points
    // to 3.0.0), so the deadline passes, 3.0.0 fails and the sidecar rolls back to 2.0.0
    flowing = true;
    const failing = (async () => {
      for (let i = 0; flowing; i++) {
        calls.push(echo(String(i), service).catch((error: Error) => error));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })();
    await requestDeploy(service, "3.0.0", { store: h.store, by: "test", readyDeadlineMs: 3_000 });
    await eventually(
      async () => {
        const failed = (await h.store.events(service)).filter((e) => e.event === "failed");
        const d = await h.store.deployment(service);
        return failed.length === 1 && d?.state === "serving" && d.currentVersion === "2.0.0" ? d : undefined;
      },
      90_000,
      "3.0.0 failed, 2.0.0 serving",
    );
    flowing = false;
    await failing;
    const settled = await Promise.all(calls.splice(0));
    expect(settled.filter((r) => r instanceof Error).map(String)).toEqual([]);
    expect(new Set(settled.map((r) => (r as EchoReply).label))).toEqual(new Set(["k2"]));
    const events = await h.store.events(service);
    expect(events.filter((e) => e.event === "ready").map((e) => e.version)).toEqual([
      "1.0.0",
      "2.0.0",
      "2.0.0",
    ]);
    expect(events.find((e) => e.event === "failed")).toMatchObject({
      version: "3.0.0",
      details: { code: "SFN_FUNCTION_NOT_READY" },
    });
    answered = [await echo("after", service)];
    expect(answered[0]).toMatchObject({ label: "k2" });

    await h.store.request(service, "undeploy", null, "test");
    await eventually(async () =>
      (await h.store.deployment(service))?.state === "stopped" ? true : undefined,
    );
    expect(await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()).toEqual({
      status: "ok",
      function: "none",
    });
  });
});
