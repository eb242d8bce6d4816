import { UnauthorizedError } from "@sfn/contracts";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { authFailureReason } from "../errors/auth-errors.js";
import { extractBearerToken, isJwtShaped, isWellFormedCompactJws } from "./bearer-token.js";

function reasonOf(input: unknown, max?: number): string | undefined {
  try {
    extractBearerToken(input, max);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(UnauthorizedError);
    return authFailureReason(error);
  }
}

describe("extractBearerToken", () => {
  it("accepts a bare token and strips the Bearer scheme case-insensitively", () => {
    expect(extractBearerToken("abc.def.ghi")).toBe("abc.def.ghi");
    expect(extractBearerToken("Bearer abc")).toBe("abc");
    expect(extractBearerToken("bearer abc")).toBe("abc");
    expect(extractBearerToken("BEARER \t abc  ")).toBe("abc");
    expect(extractBearerToken("  Bearer abc=")).toBe("abc=");
  });

  it("reports a missing token for nothing, whitespace, or the scheme alone", () => {
    for (const input of [undefined, null, "", "   ", "Bearer", "bearer ", " BEARER\t"]) {
      expect(reasonOf(input)).toBe("token_missing");
    }
  });

  it("reports another scheme or impossible characters as malformed", () => {
    for (const input of [
      "Basic dXNlcjpwYXNz",
      "Bearer a b",
      "Bearer a\u0000b",
      "Bearer ä",
      'Bearer "x"',
      "Bearer a=b",
    ]) {
      expect(reasonOf(input)).toBe("token_malformed");
    }
  });

  it("rejects an oversized token before looking at it", () => {
    expect(reasonOf("a".repeat(1024 * 1024))).toBe("token_too_large");
    expect(reasonOf(`Bearer ${"a".repeat(100)}`, 100)).toBeUndefined();
    expect(reasonOf(`Bearer ${"a".repeat(101)}`, 100)).toBe("token_too_large");
    // Garbage of a huge size is too large, not malformed: the size check comes first.
    expect(reasonOf(" ".repeat(2_000_000))).toBe("token_too_large");
  });

  it("either returns a b64token or throws an Unauthorized with a reason, for any input", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (input) => {
        try {
          expect(extractBearerToken(input)).toMatch(/^[A-Za-z0-9\-._~+/]+=*$/);
        } catch (error) {
          expect(authFailureReason(error)).toMatch(/^token_(missing|malformed|too_large)$/);
        }
      }),
    );
  });
});

describe("isJwtShaped", () => {
  it("recognises three dot-separated segments, or a dotted token starting like JSON", () => {
    expect(isJwtShaped("a.b.c")).toBe(true);
    expect(isJwtShaped("a.b.")).toBe(true); // alg none: empty signature
    expect(isJwtShaped("opaque-token_value")).toBe(false);
    expect(isJwtShaped("a.b")).toBe(false);
    expect(isJwtShaped("a.b.c.d.e")).toBe(false);
    expect(isJwtShaped("eyJhbGciOi.eyJzdWIi")).toBe(true); // truncated JWS
    expect(isJwtShaped("eyJhbGciOi.a.b.c.d")).toBe(true); // JWE: not supported, fails as malformed
    expect(isJwtShaped("eyJhbGciOiJ")).toBe(false); // no dot: could be opaque
    expect(isJwtShaped(".b.c")).toBe(false);
    expect(isJwtShaped("a..c")).toBe(false);
  });
});

describe("isWellFormedCompactJws", () => {
  it("accepts unpadded base64url segments and an empty signature", () => {
    expect(isWellFormedCompactJws("eyJh.eyJz.c2ln")).toBe(true);
    expect(isWellFormedCompactJws("eyJh.eyJz.")).toBe(true);
  });

  it("rejects other alphabets, padding, dangling characters and missing parts", () => {
    for (const token of [
      "ey+h.eyJz.sig",
      "eyJh.eyJz=.sig",
      "eyJh.x.sig",
      "eyJhb.eyJz.sig",
      ".eyJz.sig",
      "eyJh..sig",
      "a.b",
    ]) {
      expect(isWellFormedCompactJws(token)).toBe(false);
    }
  });
});
