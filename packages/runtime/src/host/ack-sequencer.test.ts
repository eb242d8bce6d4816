import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { AckSequencer } from "./ack-sequencer.js";

function capture() {
  const stream = new PassThrough();
  const written: number[][] = [];
  stream.on("data", (chunk: Buffer) => written.push([...chunk]));
  return { stream, written };
}

const puback = (id: number) => [0x40, 0x02, id >> 8, id & 0xff];

describe("AckSequencer", () => {
  it("sends PUBACKs in arrival order whatever order the handlers finish in, batched", async () => {
    const { stream, written } = capture();
    const sequencer = new AckSequencer(stream);
    const [a, b, c] = [sequencer.track(1), sequencer.track(300), sequencer.track(3)];
    c!();
    b!();
    await new Promise((r) => setImmediate(r));
    expect(written).toEqual([]); // 1 is still running: nothing may overtake it
    a!();
    a!(); // a second completion changes nothing
    await new Promise((r) => setImmediate(r));
    expect(written).toEqual([[...puback(1), ...puback(300), ...puback(3)]]);
  });

  it("writes nothing to a socket that has closed (the broker redelivers)", async () => {
    const { stream, written } = capture();
    const sequencer = new AckSequencer(stream);
    const done = sequencer.track(7);
    stream.destroy();
    done();
    await new Promise((r) => setImmediate(r));
    expect(written).toEqual([]);
  });
});
