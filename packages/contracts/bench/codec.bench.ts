// Envelope codec throughput vs plain JSON on the same object, measured in one run.
import { Bench } from "tinybench";
import { createCallEnvelope, decodeEnvelope, encodeEnvelope, wireValidator } from "../src/index.js";

const envelope = createCallEnvelope({
  function: "createUser",
  parameters: {
    email: "ada@example.test",
    name: "Ada Lovelace",
    tags: ["a", "b"],
    address: { city: "London" },
  },
  replyTo: "reply/6LL6khTV5I-YdAVOLTSeKQ",
  headers: {
    authorization: `Bearer ${"x".repeat(800)}`,
    traceparent: `00-${"a".repeat(32)}-${"b".repeat(16)}-01`,
  },
  timeoutMs: 5000,
});
const bytes = encodeEnvelope(envelope);
wireValidator().validate("Envelope", envelope); // compile outside the measurement

const bench = new Bench({ time: 1000, warmupTime: 200 });
bench
  .add("baseline: JSON.stringify + Buffer.from", () => {
    Buffer.from(JSON.stringify(envelope), "utf8");
  })
  .add("encodeEnvelope", () => {
    encodeEnvelope(envelope);
  })
  .add("baseline: JSON.parse(buffer.toString())", () => {
    JSON.parse(bytes.toString("utf8"));
  })
  .add("decodeEnvelope (UTF-8 check + parse + schema)", () => {
    decodeEnvelope(bytes);
  });
await bench.run();

function opsPerSecond(name: string): number {
  const result = bench.tasks.find((t) => t.name === name)?.result;
  return result !== undefined && "throughput" in result ? result.throughput.mean : Number.NaN;
}
console.log(`envelope of ${bytes.length} bytes`);
console.table(bench.tasks.map((task) => ({ task: task.name, "ops/s": Math.round(opsPerSecond(task.name)) })));
console.log(
  `encode ratio to baseline: ${(opsPerSecond("encodeEnvelope") / opsPerSecond("baseline: JSON.stringify + Buffer.from")).toFixed(2)}`,
);
console.log(
  `decode ratio to baseline: ${(opsPerSecond("decodeEnvelope (UTF-8 check + parse + schema)") / opsPerSecond("baseline: JSON.parse(buffer.toString())")).toFixed(2)}`,
);
