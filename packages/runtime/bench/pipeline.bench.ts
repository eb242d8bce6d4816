// pnpm bench:pipeline: the runtime's own cost per call, without a broker — the host's pipeline (envelope
// decode, cached JWT, parameter validation, injection, time limit, reply encoding, metrics) driven by an
// in-process transport that drops the replies. Echo with dedup off; microseconds of CPU per call.
import { randomBytes } from "node:crypto";
import { createAuthenticator } from "@sfn/authenticator";
import { createCallEnvelope, newCallId } from "@sfn/contracts";
import { createDataStoreFactory } from "@sfn/datastore";
import { ensureFixture, mintToken } from "@sfn/testkit";
import type { HostTransport, InboundMessage } from "../src/index.js";
import { benchService, runtime } from "./support/built-runtime.js";

const fixture = await ensureFixture({ log: false });
Object.assign(process.env, fixture);
const N = Number(process.env.BENCH_CALLS ?? 50_000);
const WINDOW = 16;
let handler: ((m: InboundMessage) => Promise<void>) | undefined;
let replyBytes = 0;
const transport: HostTransport = {
  connected: true,
  async start(h) {
    handler = h;
  },
  async drain() {},
  async close() {},
};
const dataStores = createDataStoreFactory({ connectionString: fixture.SFN_DATABASE_URL, database: "app" });
const authenticator = await createAuthenticator(fixture.SFN_OIDC_ISSUER, {
  audience: fixture.SFN_OIDC_AUDIENCE,
  allowInsecureRequests: true,
});
const name = `Pipeline${randomBytes(4).toString("hex")}`;
const host = runtime.createServiceHost({
  service: benchService(name),
  transport,
  authenticator,
  dataStores,
  logger: runtime.silentLogger,
  purgeIntervalMs: 0,
  deadLetterTable: false,
});
await host.start();
const token = await mintToken("alice");
const message = (): InboundMessage => ({
  payload: Buffer.from(
    JSON.stringify(
      createCallEnvelope({
        function: "echo",
        parameters: { text: "hello" },
        replyTo: "bench/reply/x",
        callId: newCallId(),
        timeoutMs: 60_000,
        headers: { authorization: `Bearer ${token}` },
      }),
    ),
  ),
  publish: (_topic, body) => {
    replyBytes += body.byteLength;
  },
});
const run = async (total: number) => {
  const messages = Array.from({ length: total }, message);
  let next = 0;
  const cpu = process.cpuUsage();
  const t = performance.now();
  await Promise.all(
    Array.from({ length: WINDOW }, async () => {
      while (next < total) await handler!(messages[next++]!);
    }),
  );
  const used = process.cpuUsage(cpu);
  return { perCall: (used.user + used.system) / total, rate: total / ((performance.now() - t) / 1000) };
};
await run(Math.min(N, 10_000));
for (let i = 0; i < 3; i++) {
  const r = await run(N);
  console.log(`pipeline, echo dedup off: ${r.perCall.toFixed(1)} µs CPU/call, ${Math.round(r.rate)} calls/s`);
}
if (replyBytes === 0) throw new Error("no replies");
await host.stop();
await dataStores.close();
process.exit(0);
