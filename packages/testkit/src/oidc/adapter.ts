import type { Adapter, AdapterPayload } from "oidc-provider";

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

/**
 * An unbounded in-memory storage adapter for the fixture issuer. The bundled development adapter
 * is an LRU capped at 1000 entries (a busy conformance run would evict live opaque tokens) and
 * prints a warning at start; this one keeps every artifact until it expires. State lives in the
 * issuer process: restarting the issuer invalidates opaque tokens (JWTs stay valid, the signing
 * keys are persisted).
 */
export function createMemoryAdapterFactory(): (model: string) => Adapter {
  const store = new Map<string, Entry>();
  const grants = new Map<string, Set<string>>();
  const secondary = new Map<string, string>();

  const sweep = setInterval(() => {
    const now = Date.now();
    for (const [key, entry] of store) if (entry.expiresAt <= now) store.delete(key);
  }, 60_000);
  sweep.unref();

  const get = (key: string): AdapterPayload | undefined => {
    const entry = store.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      store.delete(key);
      return undefined;
    }
    return entry.payload;
  };

  return (model: string): Adapter => {
    const key = (id: string) => `${model}:${id}`;
    return {
      async upsert(id, payload, expiresIn) {
        const expiresAt =
          typeof expiresIn === "number" ? Date.now() + expiresIn * 1000 : Number.POSITIVE_INFINITY;
        store.set(key(id), { payload, expiresAt });
        if (payload.grantId) {
          const members = grants.get(payload.grantId) ?? new Set<string>();
          members.add(key(id));
          grants.set(payload.grantId, members);
        }
        if (payload.userCode) secondary.set(`userCode:${payload.userCode}`, id);
        if (model === "Session" && payload.uid) secondary.set(`sessionUid:${payload.uid}`, id);
      },
      async find(id) {
        return get(key(id));
      },
      async findByUserCode(userCode) {
        const id = secondary.get(`userCode:${userCode}`);
        return id ? get(key(id)) : undefined;
      },
      async findByUid(uid) {
        const id = secondary.get(`sessionUid:${uid}`);
        return id ? get(key(id)) : undefined;
      },
      async consume(id) {
        const payload = get(key(id));
        if (payload) payload.consumed = Math.floor(Date.now() / 1000);
      },
      async destroy(id) {
        store.delete(key(id));
      },
      async revokeByGrantId(grantId) {
        for (const member of grants.get(grantId) ?? []) store.delete(member);
        grants.delete(grantId);
      },
    };
  };
}
