import { PassThrough } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AckSequencer, encodePuback, PubackReason } from "./ack-sequencer.js";

function written(stream: PassThrough): number[] {
  const ids: number[] = [];
  const bytes = stream.read() as Buffer | null;
  if (bytes === null) return ids;
  for (let offset = 0; offset < bytes.length; ) {
    const length = bytes[offset + 1]!;
    ids.push(bytes.readUInt16BE(offset + 2));
    offset += 2 + length;
  }
  return ids;
}

describe("encodePuback", () => {
  it("writes the short form for success and the reason code otherwise", () => {
    expect([...encodePuback(0x1234, 4, 0)]).toEqual([0x40, 0x02, 0x12, 0x34]);
    expect([...encodePuback(0x1234, 5, PubackReason.success)]).toEqual([0x40, 0x02, 0x12, 0x34]);
    expect([...encodePuback(7, 5, PubackReason.unspecifiedError)]).toEqual([0x40, 0x03, 0, 7, 0x80]);
    // MQTT 3.1.1 has no reason codes: a failed handler is still acknowledged in the plain form.
    expect([...encodePuback(7, 4, PubackReason.unspecifiedError)]).toEqual([0x40, 0x02, 0, 7]);
  });
});

describe("AckSequencer", () => {
  it("acknowledges in arrival order whatever order the handlers finish in", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 60 })
          .chain((n) =>
            fc.tuple(
              fc.constant(n),
              fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
            ),
          ),
        ([count, completionOrder]) => {
          const stream = new PassThrough();
          const sequencer = new AckSequencer(stream, 5);
          const slots = Array.from({ length: count }, (_, i) => sequencer.track(i + 1));
          let expectedHead = 0;
          const done = new Set<number>();
          for (const index of completionOrder) {
            slots[index]!.complete();
            done.add(index);
            const released: number[] = [];
            while (done.has(expectedHead)) released.push(++expectedHead);
            expect(written(stream)).toEqual(released);
          }
          expect(sequencer.pending).toBe(0);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("completes a slot once, and writes nothing to a closed socket", () => {
    const stream = new PassThrough();
    const sequencer = new AckSequencer(stream, 5);
    const first = sequencer.track(1);
    first.complete();
    first.complete();
    expect(written(stream)).toEqual([1]);
    const second = sequencer.track(2);
    stream.destroy();
    expect(() => second.complete()).not.toThrow();
    expect(sequencer.pending).toBe(0);
  });
});
