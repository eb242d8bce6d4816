import type { CallContext } from "@sfn/runtime";
import { userOf } from "./require.js";

export interface EchoInput {
  value: unknown;
}

/** echo, publicEcho, add, whoami, headers, bigResult, badResult: no platform interface involved. */
export const basicFunctions = {
  echo: (p: EchoInput) => ({ value: p.value }),

  publicEcho: (p: EchoInput) => ({ value: p.value }),

  add: (p: { a: number; b: number }) => ({ sum: p.a + p.b }),

  whoami: (_p: Record<string, never>, ctx: CallContext) => {
    const user = userOf(ctx);
    const seen: Record<string, unknown> = { userId: user.userId, roles: [...user.roles] };
    seen.groups = [...user.groups];
    if (user.email !== undefined) seen.email = user.email;
    if (user.tenant !== undefined) seen.tenant = user.tenant;
    if (user.clientId !== undefined) seen.clientId = user.clientId;
    if (user.tokenId !== undefined) seen.tokenId = user.tokenId;
    if (user.expiresAt !== undefined) seen.expiresAt = user.expiresAt;
    seen.hasToken = typeof user.token === "string" && user.token.length > 0;
    return seen;
  },

  headers: (_p: Record<string, never>, ctx: CallContext) => {
    const { authorization, ...headers } = ctx.headers;
    const seen: Record<string, unknown> = { headers, hasAuthorization: authorization !== undefined };
    if (ctx.user) seen.userId = ctx.user.userId;
    return seen;
  },

  bigResult: (p: { bytes: number }) => ({ data: "x".repeat(p.bytes) }),

  /** Breaks its output schema on purpose (AddOutput wants an integer `sum`). */
  badResult: () => ({ sum: "not a number" }),
};
