// The private broker lives in @sfn/testkit, shared with the runtime tests and the conformance runner.
export { type PrivateBroker, type PrivateBrokerOptions, startPrivateBroker } from "@sfn/testkit";
