import type { Duplex } from "node:stream";

// The same technique as @sfn/messaging's connection/ack-sequencer.ts (ADR-11), which that package does
// not export: PUBACKs of one connection in arrival order while handlers finish in any order.

/** Passed to mqtt.js's handleMessage callback: parse on, but send no PUBACK now. */
export const DEFER_ACK: Error = Object.freeze(
  new Error("sfn: acknowledgement deferred to the ack sequencer"),
);

function encodePuback(packetId: number): Buffer {
  // MQTT 3.1.1 §3.4 / MQTT 5 §3.4: the short form (reason code success omitted) is valid in both.
  return Buffer.from([0x40, 0x02, packetId >> 8, packetId & 0xff]);
}

interface Entry {
  packetId: number;
  done: boolean;
}

/**
 * Acknowledges the QoS 1 messages of one socket in the order they arrived (MQTT requires it), writing
 * each PUBACK to that very socket once its handler and every earlier one have finished. Pending
 * acknowledgements of a socket that closed are dropped: the broker redelivers those messages.
 */
export class AckSequencer {
  readonly stream: Duplex;
  readonly #queue: Entry[] = [];
  #head = 0;

  constructor(stream: Duplex) {
    this.stream = stream;
  }

  /** Registers a received message; call the result when it is processed. */
  track(packetId: number): () => void {
    const entry: Entry = { packetId, done: false };
    this.#queue.push(entry);
    return () => {
      if (entry.done) return;
      entry.done = true;
      this.#flush();
    };
  }

  #flush(): void {
    const acks: Buffer[] = [];
    while (this.#head < this.#queue.length && this.#queue[this.#head]!.done) {
      acks.push(encodePuback(this.#queue[this.#head]!.packetId));
      this.#head += 1;
    }
    if (acks.length > 0 && !this.stream.destroyed && this.stream.writable) {
      this.stream.write(acks.length === 1 ? acks[0]! : Buffer.concat(acks));
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
  }
}
