import type { HostTransport, InboundMessage } from "@sfn/runtime";
import { describe, expect, it } from "vitest";
import { ackBeforeProcessing, readBreakMode } from "./break-switch.js";

describe("SFN_CONFORMANCE_BREAK", () => {
  it("is off unless set", () => {
    expect(readBreakMode({})).toBeUndefined();
    expect(readBreakMode({ SFN_CONFORMANCE_BREAK: "" })).toBeUndefined();
    expect(readBreakMode({ SFN_CONFORMANCE_BREAK: "none" })).toBeUndefined();
  });

  it("reads each mode", () => {
    expect(readBreakMode({ SFN_CONFORMANCE_BREAK: "no-dedup" })).toBe("no-dedup");
    expect(readBreakMode({ SFN_CONFORMANCE_BREAK: "ack-before-processing" })).toBe("ack-before-processing");
  });

  it("rejects an unknown mode with a ValidationError naming the setting", () => {
    expect(() => readBreakMode({ SFN_CONFORMANCE_BREAK: "ack-late" })).toThrowError(
      expect.objectContaining({
        type: "ValidationError",
        details: expect.objectContaining({ setting: "SFN_CONFORMANCE_BREAK" }),
      }),
    );
  });
});

/** Records when the transport would acknowledge: when the promise its handler returned settles. */
function recordingTransport() {
  let handler: ((m: InboundMessage) => Promise<void>) | undefined;
  const transport: HostTransport = {
    start: async (h) => {
      handler = h;
    },
    drain: async () => {},
    close: async () => {},
    connected: true,
  };
  const deliver = async (events: string[]) => {
    await handler!({ payload: Buffer.from("{}"), publish: () => {} });
    events.push("ack");
  };
  return { transport, deliver };
}

describe("ackBeforeProcessing", () => {
  it("acknowledges before the pipeline has finished, where the plain transport waits for it", async () => {
    const process = (events: string[]) => async () => {
      await new Promise((r) => setTimeout(r, 20));
      events.push("processed");
    };
    const plain = recordingTransport();
    const plainEvents: string[] = [];
    await plain.transport.start(process(plainEvents));
    await plain.deliver(plainEvents);

    const broken = recordingTransport();
    const brokenEvents: string[] = [];
    await ackBeforeProcessing(broken.transport).start(process(brokenEvents));
    await broken.deliver(brokenEvents);
    await new Promise((r) => setTimeout(r, 50));

    expect(plainEvents).toEqual(["processed", "ack"]);
    expect(brokenEvents).toEqual(["ack", "processed"]);
  });
});
