// Runnable: `pnpm exec sfn-fixture up && pnpm exec tsx examples/request-reply.ts` (uses SFN_MQTT_URL).
import { NotFoundError, type UserContext } from "@sfn/contracts";
import { createMessagingClient } from "../src/index.js";

const url = process.env.SFN_MQTT_URL ?? "mqtt://127.0.0.1:18830";
const service = await createMessagingClient({ url });
const caller = await createMessagingClient({ url });
const alice: UserContext = { userId: "alice", roles: ["user"], groups: [], token: "alice-token" };
const topic = `examples/${process.pid}/service/Orders`;

// The service side: acknowledged after the handler settled; answers with reply().
const orders = service.createMessaging({ userId: "orders-service", roles: [], groups: [] });
await orders.subscribe(
  topic,
  async (call) => {
    const { function: name, parameters } = call.body as { function: string; parameters: { id: number } };
    if (name !== "ship") return orders.reply(call, { error: new NotFoundError(`no function ${name}`) });
    console.log(`ship #${parameters.id} for ${call.headers.authorization?.slice(0, 12)}…`);
    await orders.reply(call, { result: { id: parameters.id, status: "shipped" } });
  },
  { concurrency: 8 },
);

// The caller side: bound to alice, whose token travels with every call.
const messaging = caller.createMessaging(alice);
const reply = await messaging.sendAndWait(topic, { function: "ship", parameters: { id: 7 } }, 5_000);
console.log("reply:", reply.body);
try {
  await messaging.sendAndWait(topic, { function: "cancel", parameters: { id: 7 } }, 5_000);
} catch (error) {
  if (error instanceof NotFoundError) console.log("typed error:", error.type, error.code, error.message);
}

await caller.close();
await service.close();
