/** How a collection behaves; stored in sfn.collections, changed with `configureCollection` (admin). */
export interface CollectionConfig {
  /**
   * Row-level policy. `owner` (default): everyone sees their own documents, holders of the full
   * permission (not `:own`) see all. `shared`: whoever may run the operation reaches all documents.
   * `private`: only owners, and holders of admin.
   */
  policy?: "owner" | "shared" | "private";
  /** JSON Schema (draft 2020-12) every document must match; null removes it. */
  jsonSchema?: object | boolean | null;
  /** Audit allowed reads too (denied ones always are). */
  auditReads?: boolean;
  /** Lowers the store's document size limit for this collection; null removes it. */
  maxDocumentBytes?: number | null;
}

/** Caches collection configs per factory for a short time (schema changes apply within `ttlMs`). */
export class CollectionConfigCache {
  readonly #entries = new Map<string, { config: CollectionConfig; expires: number }>();

  constructor(private readonly ttlMs: number) {}

  async get(key: string, load: () => Promise<CollectionConfig>): Promise<CollectionConfig> {
    const now = Date.now();
    const hit = this.#entries.get(key);
    if (hit !== undefined && hit.expires > now) return hit.config;
    const config = await load();
    this.#entries.set(key, { config, expires: now + this.ttlMs });
    return config;
  }

  set(key: string, config: CollectionConfig): void {
    this.#entries.set(key, { config, expires: Date.now() + this.ttlMs });
  }
}
