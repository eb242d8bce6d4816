import { type AuthFailureReason, SystemError, UnauthorizedError } from "@sfn/contracts";
import { expect } from "vitest";

/**
 * Awaits a validation that must fail with `reason`, and checks that nothing internal leaks: the
 * wire form is exactly type, code, a fixed message and `details: { reason }`; the message names no
 * library, stack frame, URL or token fragment; an Unauthorized carries no cause at all.
 */
export async function expectRejected(
  validation: Promise<unknown>,
  reason: AuthFailureReason,
  token?: string,
): Promise<UnauthorizedError | SystemError> {
  const error = await validation.then(
    () => expect.unreachable(`expected rejection with ${reason}`),
    (e: unknown) => e,
  );
  const expectedClass = reason === "issuer_unavailable" ? SystemError : UnauthorizedError;
  expect(error, `expected ${expectedClass.name} (${reason})`).toBeInstanceOf(expectedClass);
  const typed = error as UnauthorizedError | SystemError;
  expect(typed.code).toBe("SFN_UNAUTHENTICATED");
  expect(typed.details).toEqual({ reason });
  expect(typed.retryable).toBe(reason === "issuer_unavailable");

  const info = typed.toErrorInfo();
  expect(Object.keys(info).sort()).toEqual(
    reason === "issuer_unavailable"
      ? ["code", "details", "message", "retryable", "type"]
      : ["code", "details", "message", "type"],
  );
  expect(info.message).not.toMatch(/\bat\s|ERR_|jose|openid|https?:|\/|\n|"/);
  if (token) {
    for (const part of token.split(".").filter((p) => p.length >= 8)) {
      expect(info.message).not.toContain(part.slice(0, 8));
      expect(JSON.stringify(info)).not.toContain(part);
    }
  }
  if (reason !== "issuer_unavailable") expect(typed.cause).toBeUndefined();
  return typed;
}

/** A TCP port on 127.0.0.1 that nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
