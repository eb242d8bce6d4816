import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { freePort } from "./free-port.js";
import { type FunctionFront, startFunctionFront } from "./function-front.js";

const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((close) => close()));
});

/** A stand-in for one function process's health server: answers with its name and a status. */
async function upstream(name: string, readyStatus: number): Promise<number> {
  const server: Server = createServer((req, res) => {
    res.writeHead(req.url === "/readyz" ? readyStatus : 200, {
      "content-type": "application/json",
      "x-from": name,
    });
    res.end(JSON.stringify({ from: name, path: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closing.push(() => new Promise((resolve) => server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

async function front(
  target: () => number | undefined,
  notReady?: () => string | undefined,
): Promise<FunctionFront> {
  const f = await startFunctionFront({
    port: 0,
    host: "127.0.0.1",
    target,
    ...(notReady ? { notReady } : {}),
  });
  closing.push(() => f.close());
  return f;
}

async function get(port: number, path: string) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return {
    status: response.status,
    from: response.headers.get("x-from"),
    body: await response.json().catch(() => null),
  };
}

describe("the supervisor's fixed port", () => {
  it("answers for itself while no function runs", async () => {
    const f = await front(() => undefined);
    expect(await get(f.port, "/healthz")).toMatchObject({
      status: 200,
      body: { status: "ok", function: "none" },
    });
    expect(await get(f.port, "/readyz")).toMatchObject({ status: 503, body: { ready: false } });
    expect((await get(f.port, "/metrics")).status).toBe(503);
  });

  it("forwards to whichever process is current, status, headers and body", async () => {
    const old = await upstream("old", 200);
    const next = await upstream("new", 503);
    let target = old;
    const f = await front(() => target);
    expect(await get(f.port, "/readyz?verbose=1")).toMatchObject({
      status: 200,
      from: "old",
      body: { from: "old", path: "/readyz?verbose=1" },
    });
    target = next;
    expect(await get(f.port, "/readyz")).toMatchObject({ status: 503, from: "new" });
    expect(await get(f.port, "/metrics")).toMatchObject({ status: 200, from: "new" });
  });

  it("503 while the current process does not listen yet; 404 for other paths", async () => {
    const silent = await freePort();
    const f = await front(() => silent);
    expect(await get(f.port, "/readyz")).toMatchObject({
      status: 503,
      body: { ready: false, function: "starting" },
    });
    expect((await get(f.port, "/call")).status).toBe(404);
  });

  it("/readyz is 503 while notReady names a reason (the previous version serves); the rest is forwarded", async () => {
    const old = await upstream("old", 200);
    let reason: string | undefined = "/apps/1.0.0 serves; the link points to /apps/2.0.0";
    const f = await front(
      () => old,
      () => reason,
    );
    expect(await get(f.port, "/readyz")).toMatchObject({
      status: 503,
      from: null,
      body: { ready: false, function: "previous", reason },
    });
    expect(await get(f.port, "/healthz")).toMatchObject({ status: 200, from: "old" });
    expect(await get(f.port, "/metrics")).toMatchObject({ status: 200, from: "old" });
    reason = undefined; // the link points to it again (the rollback)
    expect(await get(f.port, "/readyz")).toMatchObject({ status: 200, from: "old" });
  });
});
