// An idle service process for the benchmark: the built @sfn/runtime (no tsx, no test code) serving one
// echo function with the database, token validation and the functions' own messaging client, from
// SFN_* settings — what the Node base image runs, minus the service's own code.
// IDLE_RUNTIME names another build to measure (the benchmark's baseline).
const { defineService, runService } = await import(
  process.env.IDLE_RUNTIME ? new URL(`file://${process.env.IDLE_RUNTIME}`).href : "@sfn/runtime"
);

const name = process.argv[2] ?? "IdleService";
const contract = {
  service: name,
  schemaVersion: "1.0.0",
  definitions: {
    In: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
    Out: { type: "object" },
  },
  functions: { echo: { input: "In", output: "Out" } },
};
await runService(defineService({ name, contract, functions: { echo: async (p) => p } }));
