import { randomFillSync, randomUUID } from "node:crypto";

/** A fresh messageId (UUID v4): new for every publish. */
export function newMessageId(): string {
  return randomUUID();
}

// Random ids are drawn from a pool refilled 4 KiB at a time from the CSPRNG: one system call per 256
// ids instead of one per id (node's randomUUID() caches entropy the same way). Each id's bytes are
// used once.
const ID_BYTES = 16;
const pool = Buffer.alloc(4096);
let offset = pool.length;

function randomId(): string {
  if (offset + ID_BYTES > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  const id = pool.toString("base64url", offset, offset + ID_BYTES);
  offset += ID_BYTES;
  return id;
}

/** A fresh callId: 128 random bits, base64url (22 characters). Reuse it only to retry the same call. */
export function newCallId(): string {
  return randomId();
}

/** A random id for a client session's reply topic or a binary transfer (128 bits, base64url). */
export function newSessionId(): string {
  return randomId();
}
