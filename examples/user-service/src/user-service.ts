// The design document's UserService: createUser (with a notification), getUser and listUsers.
// Authorisation is not written here: the injected DataStore is bound to the caller, and the database
// decides (RBAC grants + row-level security). A caller without `write` on `users` gets Forbidden.
import { type Document, NotFoundError } from "@sfn/contracts";
import { type CallContext, defineService } from "@sfn/runtime";
import contract from "../contract.json" with { type: "json" };

export interface CreateUserRequest {
  email: string;
  name: string;
}
export interface User {
  userId: string;
  email: string;
  name: string;
  createdBy: string;
  createdAt: string;
}

type Settings = { notificationTopic?: string };

function toUser(doc: Document): User {
  return {
    userId: doc.id,
    email: String(doc.email),
    name: String(doc.name),
    createdBy: doc.owner,
    createdAt: doc.createdAt,
  };
}

export const service = defineService({
  name: "UserService",
  contract,
  functions: {
    async createUser(request: CreateUserRequest, ctx: CallContext<Settings>) {
      const userId = await ctx.dataStore!.insert("users", { email: request.email, name: request.name });
      // Platform messaging, bound to the caller: the notification carries the caller's token.
      await ctx.messaging?.send(ctx.config.notificationTopic ?? "notifications", {
        type: "user created",
        userId,
      });
      return { userId };
    },

    async getUser(request: { userId: string }, ctx: CallContext) {
      const doc = await ctx.dataStore!.getById("users", request.userId);
      if (doc === null) throw new NotFoundError(`no user ${request.userId}`, { code: "USER_NOT_FOUND" });
      return toUser(doc);
    },

    async listUsers(request: { page?: number; pageSize?: number }, ctx: CallContext) {
      const page = await ctx.dataStore!.query("users", {}, request.page ?? 1, request.pageSize ?? 20);
      return { items: page.items.map(toUser), total: page.total };
    },
  },
});
