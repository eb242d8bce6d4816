import { readFileSync, writeFileSync } from "node:fs";
import {
  createOrderServiceDispatcher,
  type OrderServiceHandlers,
} from "./contracts/order-service.contract.js";
import { FunctionError } from "./contracts/sfn-support.js";
import {
  createUserServiceDispatcher,
  UserServiceClient,
  type UserServiceHandlers,
} from "./contracts/user-service.contract.js";

const users: UserServiceHandlers = {
  createUser: () => ({ userId: "0190f6c4-7b2a-7cc1-9a4e-3f0e8e1c2b3a" }),
};

const orders: OrderServiceHandlers = {
  processOrder: async (request) => ({
    orderId: "0190f6c4-7b2a-7cc1-9a4e-3f0e8e1c2b3b",
    status: "paid",
    total: request.lines.reduce((sum, l) => sum + l.quantity * l.unitPrice, 0),
    estimatedDelivery: null,
  }),
  getOrder: () => {
    throw new FunctionError("NotFound", "ORDER_NOT_FOUND", "no such order");
  },
};

export async function main(): Promise<void> {
  const scenarios = JSON.parse(readFileSync("__SCENARIOS__", "utf8")) as {
    id: string;
    service: string;
    body: unknown;
  }[];
  for (const s of scenarios) {
    const dispatch =
      s.service === "UserService" ? createUserServiceDispatcher(users) : createOrderServiceDispatcher(orders);
    writeFileSync(`__OUT__/typescript.dispatch.${s.id}.json`, JSON.stringify(await dispatch(s.body)));
  }
  const client = new UserServiceClient({
    call: async (_service, fn, parameters) => {
      const reply = await createUserServiceDispatcher(users)({ function: fn, parameters });
      if (reply.status !== "success") throw new Error(reply.error.code);
      return reply.result;
    },
  });
  writeFileSync(
    "__OUT__/typescript.client.json",
    JSON.stringify(await client.createUser({ email: "ann@example.com", name: "Ann" })),
  );
}
