import * as oidc from "openid-client";
import { issuerUnavailable } from "../errors/auth-errors.js";
import { httpStatusOf } from "../issuer/issuer-failure.js";
import {
  type IntrospectionChecks,
  type IntrospectionVerdict,
  judgeIntrospection,
} from "./judge-introspection.js";

/** RFC 7662 token introspection with the resource server's client credentials (openid-client). */
export class Introspector {
  readonly #config: oidc.Configuration;
  readonly #checks: IntrospectionChecks;

  constructor(config: oidc.Configuration, checks: IntrospectionChecks) {
    this.#config = config;
    this.#checks = checks;
  }

  /** Rejects only with SystemError `issuer_unavailable`; every verdict about the token resolves. */
  async introspect(token: string): Promise<IntrospectionVerdict> {
    let response: oidc.IntrospectionResponse;
    try {
      response = await oidc.tokenIntrospection(this.#config, token, { token_type_hint: "access_token" });
    } catch (error) {
      // oidc-provider answers 400 unsupported_token_type for JWT access tokens (library-facts §5):
      // the issuer will not vouch for the token, which RFC 7662 expresses as active: false.
      if (httpStatusOf(error) === 400) return { active: false, reason: "token_inactive" };
      // Unreachable, timed out, 5xx, or our own credentials refused (401): the token cannot be judged.
      throw issuerUnavailable(error);
    }
    return judgeIntrospection(response, this.#checks);
  }
}
