import pg from "pg";

export interface ListenerOptions {
  connectionString: string;
  channels: readonly string[];
  onNotification: (channel: string, payload: unknown) => void;
  /** Called after (re)connecting, so the caller can re-read what it may have missed. */
  onConnected?: () => void;
  /** Delay before reconnecting after the connection drops; default 1000 ms. */
  reconnectDelayMs?: number;
}

/**
 * LISTEN on a dedicated connection (a pooled one would lose the registration), reconnecting when it
 * drops. Notifications are a fast path only: callers keep polling, so a lost notification costs at most
 * one polling interval.
 */
export class DeploymentListener {
  readonly #options: ListenerOptions;
  #client: pg.Client | undefined;
  #closed = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: ListenerOptions) {
    this.#options = options;
  }

  get connected(): boolean {
    return this.#client !== undefined;
  }

  async start(): Promise<void> {
    await this.#connect().catch(() => this.#schedule());
  }

  async #connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.#options.connectionString });
    client.on("error", () => {});
    client.on("end", () => {
      if (this.#client === client) this.#client = undefined;
      this.#schedule();
    });
    client.on("notification", (message) => {
      let payload: unknown = message.payload;
      try {
        payload = message.payload === undefined ? undefined : JSON.parse(message.payload);
      } catch {
        // not JSON: passed on as text
      }
      this.#options.onNotification(message.channel, payload);
    });
    await client.connect();
    for (const channel of this.#options.channels)
      await client.query(`LISTEN ${client.escapeIdentifier(channel)}`);
    if (this.#closed) {
      await client.end();
      return;
    }
    this.#client = client;
    this.#options.onConnected?.();
  }

  #schedule(): void {
    if (this.#closed || this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#connect().catch(() => this.#schedule());
    }, this.#options.reconnectDelayMs ?? 1000);
    this.#timer.unref();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const client = this.#client;
    this.#client = undefined;
    await client?.end().catch(() => {});
  }
}
