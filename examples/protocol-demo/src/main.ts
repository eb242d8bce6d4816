import { INTERFACE_HASH, PROTOCOL_VERSION } from "@sfn/contracts";
import { runDemo } from "./demo.js";

const result = await runDemo();
console.log(`sfn protocol ${PROTOCOL_VERSION} demo — embedded MQTT 3.1.1 broker at ${result.brokerUrl}`);
console.log(`interface hash ${INTERFACE_HASH}\n`);
console.log(`a call on the wire (topic service/Greeter, QoS 1):\n  ${result.wireExample}\n`);
for (const step of result.steps) {
  const outcome =
    step.outcome.status === "success"
      ? `success ${JSON.stringify(step.outcome.result)}`
      : `${step.outcome.type} ${step.outcome.code}: ${step.outcome.message}`;
  console.log(`  ${step.title.padEnd(40)} → ${outcome}`);
}
console.log(
  `\n  undecodable payloads rejected (service kept serving): ${result.rejectedPayloads.join(", ")}`,
);
