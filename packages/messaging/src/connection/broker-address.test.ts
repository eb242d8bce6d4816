import { describe, expect, it } from "vitest";
import { parseBrokerUrl, redactBrokerUrl } from "./broker-address.js";

describe("parseBrokerUrl", () => {
  it("knows the MQTT schemes and their default ports", () => {
    expect(parseBrokerUrl("mqtt://127.0.0.1:18830")).toEqual({
      transport: "tcp",
      host: "127.0.0.1",
      port: 18830,
    });
    expect(parseBrokerUrl("tcp://broker")).toEqual({ transport: "tcp", host: "broker", port: 1883 });
    expect(parseBrokerUrl("mqtts://emqx.example")).toEqual({
      transport: "tls",
      host: "emqx.example",
      port: 8883,
    });
    expect(parseBrokerUrl("ssl://[::1]:9000")).toEqual({ transport: "tls", host: "::1", port: 9000 });
    expect(parseBrokerUrl("wss://emqx.example/mqtt")).toEqual({
      transport: "websocket",
      url: "wss://emqx.example/mqtt",
    });
  });

  it("takes percent-decoded credentials from the URL and redacts the password for logs", () => {
    expect(parseBrokerUrl("mqtts://svc%40acme:p%3Ass@emqx.example:8883")).toEqual({
      transport: "tls",
      host: "emqx.example",
      port: 8883,
      username: "svc@acme",
      password: "p:ss",
    });
    expect(parseBrokerUrl("mqtt://only-user@broker")).toEqual({
      transport: "tcp",
      host: "broker",
      port: 1883,
      username: "only-user",
    });
    expect(redactBrokerUrl("wss://svc:secret@emqx.example/mqtt")).toBe("wss://svc:***@emqx.example/mqtt");
    expect(redactBrokerUrl("mqtt://broker:1883")).toBe("mqtt://broker:1883");
  });

  it("rejects what it cannot connect to", () => {
    for (const bad of ["not a url", "http://x", "amqp://x"]) {
      expect(() => parseBrokerUrl(bad)).toThrow(expect.objectContaining({ code: "SFN_INVALID_ARGUMENT" }));
    }
  });
});
