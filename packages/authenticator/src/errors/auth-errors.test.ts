import { raceAbort, SystemError, UnauthorizedError, ValidationError } from "@sfn/contracts";
import { describe, expect, it } from "vitest";
import { authFailureReason, isAuthFailure, issuerUnavailable, tokenRejected } from "./auth-errors.js";

describe("authentication errors", () => {
  it("puts only the reason on the wire for a rejected token", () => {
    const error = tokenRejected("token_expired");
    expect(error).toBeInstanceOf(UnauthorizedError);
    expect(error.code).toBe("SFN_UNAUTHENTICATED");
    expect(error.retryable).toBe(false);
    expect(error.cause).toBeUndefined();
    expect(error.toErrorInfo()).toEqual({
      type: "Unauthorized",
      code: "SFN_UNAUTHENTICATED",
      message: error.message,
      details: { reason: "token_expired" },
    });
  });

  it("makes issuer_unavailable a retryable SystemError whose cause stays local", () => {
    const error = issuerUnavailable(new Error("connect ECONNREFUSED 10.0.0.1:443"));
    expect(error).toBeInstanceOf(SystemError);
    expect(error.retryable).toBe(true);
    expect(JSON.stringify(error)).not.toContain("ECONNREFUSED");
    expect(error.toErrorInfo()).toMatchObject({
      code: "SFN_UNAUTHENTICATED",
      details: { reason: "issuer_unavailable" },
    });
  });

  it("reads the reason back, and nothing from other errors", () => {
    expect(authFailureReason(tokenRejected("key_unknown"))).toBe("key_unknown");
    expect(isAuthFailure(issuerUnavailable(), "issuer_unavailable")).toBe(true);
    expect(isAuthFailure(tokenRejected("key_unknown"), "token_expired")).toBe(false);
    expect(
      authFailureReason(new ValidationError("x", { details: { reason: "token_expired" } })),
    ).toBeUndefined();
    expect(authFailureReason(new Error("x"))).toBeUndefined();
  });
});

describe("raceAbort", () => {
  it("rejects with SFN_ABORTED, or with the signal's own SfnError reason", async () => {
    const never = new Promise<never>(() => {});
    const plain = new AbortController();
    const racing = raceAbort(never, plain.signal);
    plain.abort();
    await expect(racing).rejects.toMatchObject({
      type: "SystemError",
      code: "SFN_ABORTED",
      retryable: false,
    });

    const deadline = new AbortController();
    const reason = new SystemError("deadline", { code: "SFN_DEADLINE_EXPIRED" });
    deadline.abort(reason);
    await expect(raceAbort(never, deadline.signal)).rejects.toBe(reason);
  });
});
