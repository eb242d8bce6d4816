import { randomBytes, randomUUID } from "node:crypto";

/** A fresh messageId (UUID v4): new for every publish. */
export function newMessageId(): string {
  return randomUUID();
}

/** A fresh callId: 128 random bits, base64url (22 characters). Reuse it only to retry the same call. */
export function newCallId(): string {
  return randomBytes(16).toString("base64url");
}

/** A random id for a client session's reply topic or a binary transfer (128 bits, base64url). */
export function newSessionId(): string {
  return randomBytes(16).toString("base64url");
}
