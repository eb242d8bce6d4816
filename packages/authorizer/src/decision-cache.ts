/**
 * Decisions of one Authorizer (one call). A grant change through the same instance clears it; changes
 * made elsewhere are seen by the next call, which gets a new Authorizer.
 */
export class DecisionCache {
  readonly #decisions = new Map<string, Promise<boolean>>();

  /** Concurrent asks for the same decision share one query (and one audit row). */
  get(key: readonly unknown[], decide: () => Promise<boolean>): Promise<boolean> {
    const k = JSON.stringify(key);
    let decision = this.#decisions.get(k);
    if (decision === undefined) {
      decision = decide();
      this.#decisions.set(k, decision);
      decision.catch(() => this.#decisions.delete(k));
    }
    return decision;
  }

  clear(): void {
    this.#decisions.clear();
  }

  get size(): number {
    return this.#decisions.size;
  }
}
