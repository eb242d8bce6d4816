import type { Duplex } from "node:stream";

/** Passed to mqtt.js's handleMessage callback to continue parsing without sending the PUBACK now. */
export const DEFER_ACK: Error = Object.freeze(
  new Error("sfn: acknowledgement deferred to the ack sequencer"),
);

/** PUBACK reason codes (MQTT 5 §3.4.2.1). */
export const PubackReason = { success: 0x00, unspecifiedError: 0x80 } as const;

/**
 * Encodes a PUBACK (MQTT 3.1.1 §3.4, MQTT 5 §3.4): fixed header 0x40, remaining length, packet id, and
 * for MQTT 5 a reason code unless it is success (the short form the spec allows).
 */
export function encodePuback(packetId: number, protocolVersion: 4 | 5, reasonCode: number): Buffer {
  if (protocolVersion === 5 && reasonCode !== PubackReason.success) {
    return Buffer.from([0x40, 0x03, packetId >> 8, packetId & 0xff, reasonCode]);
  }
  return Buffer.from([0x40, 0x02, packetId >> 8, packetId & 0xff]);
}

/** One received QoS 1 message waiting for its acknowledgement. */
export interface AckSlot {
  readonly packetId: number;
  /** Marks the message processed; its PUBACK goes out once every earlier message is acknowledged too. */
  complete(reasonCode?: number): void;
}

interface Entry extends AckSlot {
  done: boolean;
  reasonCode: number;
}

/**
 * Acknowledges QoS 1 messages of one network connection in arrival order (MQTT 5 §4.6 requires PUBACKs
 * in the order the PUBLISHes were received) while their handlers finish in any order. It writes the
 * PUBACK bytes to the very socket the message came on, so a PUBACK can never leak onto a later
 * connection where the same packet id names another message; acknowledgements still pending when that
 * socket closes are dropped and the broker redelivers those messages to the resumed session.
 */
export class AckSequencer {
  readonly #stream: Duplex;
  readonly #protocolVersion: 4 | 5;
  readonly #queue: Entry[] = [];
  #head = 0;

  constructor(stream: Duplex, protocolVersion: 4 | 5) {
    this.#stream = stream;
    this.#protocolVersion = protocolVersion;
  }

  get stream(): Duplex {
    return this.#stream;
  }

  /** Messages received on this socket and not yet acknowledged. */
  get pending(): number {
    return this.#queue.length - this.#head;
  }

  track(packetId: number): AckSlot {
    const entry: Entry = {
      packetId,
      done: false,
      reasonCode: PubackReason.success,
      complete: (reasonCode = PubackReason.success) => {
        if (entry.done) return;
        entry.done = true;
        entry.reasonCode = reasonCode;
        this.#flush();
      },
    };
    this.#queue.push(entry);
    return entry;
  }

  #flush(): void {
    const acks: Buffer[] = [];
    while (this.#head < this.#queue.length && this.#queue[this.#head]!.done) {
      const entry = this.#queue[this.#head]!;
      this.#head += 1;
      acks.push(encodePuback(entry.packetId, this.#protocolVersion, entry.reasonCode));
    }
    // One write for every PUBACK released at once: with TCP_NODELAY each write is a segment.
    if (acks.length > 0 && !this.#stream.destroyed && this.#stream.writable) {
      this.#stream.write(acks.length === 1 ? acks[0]! : Buffer.concat(acks));
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue.splice(0, this.#head);
      this.#head = 0;
    }
  }
}
