import {
  type Authorizer,
  type DataStore,
  type Messaging,
  SystemError,
  type UserContext,
} from "@sfn/contracts";
import type { CallContext } from "@sfn/runtime";

function missing(what: string): never {
  throw new SystemError(`the conformance service runs without ${what}`, {
    code: "SFN_NOT_CONFIGURED",
    retryable: false,
  });
}

/** The caller; every authenticated function has one (the runtime rejected the call otherwise). */
export function userOf(ctx: CallContext): UserContext {
  return ctx.user ?? missing("a caller identity");
}

export function dataStoreOf(ctx: CallContext): DataStore {
  return ctx.dataStore ?? missing("a database (SFN_DATABASE_URL)");
}

export function messagingOf(ctx: CallContext): Messaging {
  return ctx.messaging ?? missing("messaging");
}

export function authorizerOf(ctx: CallContext): Authorizer {
  return ctx.authorizer ?? missing("an authorizer (SFN_DATABASE_URL)");
}
