import { describe, expect, it } from "vitest";
import { mosquittoConf, mosquittoPaths } from "./mosquitto.js";
import { postgresPaths, postgresServerOptions } from "./postgres.js";

describe("mosquitto.conf", () => {
  const conf = mosquittoConf({ port: 18830, host: "127.0.0.1", dataDir: "/tmp/fx/mosquitto/data" });
  const lines = conf.trim().split("\n");

  it("listens on loopback only, anonymous, MQTT 5 by default", () => {
    expect(lines).toContain("listener 18830 127.0.0.1");
    expect(lines).toContain("allow_anonymous true");
  });

  it("disables Nagle (QoS 1 round trips are ~44 ms without it) and lifts the queue limits", () => {
    expect(lines).toContain("set_tcp_nodelay true");
    expect(lines).toContain("max_queued_messages 100000");
    expect(lines).toContain("max_inflight_messages 0");
    expect(conf).not.toMatch(/message_size_limit|max_packet_size/);
  });

  it("persists into the data dir (mosquitto needs the trailing slash)", () => {
    expect(lines).toContain("persistence true");
    expect(lines).toContain("persistence_location /tmp/fx/mosquitto/data/");
  });

  it("only sets user when asked (root drops privileges)", () => {
    expect(conf).not.toMatch(/^user /m);
    expect(mosquittoConf({ port: 1, host: "127.0.0.1", dataDir: "/d/", user: "mosquitto" })).toMatch(
      /^user mosquitto$/m,
    );
  });

  it("keeps everything under the fixture dir", () => {
    expect(mosquittoPaths("/tmp/fx")).toEqual({
      root: "/tmp/fx/mosquitto",
      conf: "/tmp/fx/mosquitto/mosquitto.conf",
      data: "/tmp/fx/mosquitto/data",
      log: "/tmp/fx/mosquitto/mosquitto.log",
      pid: "/tmp/fx/mosquitto/mosquitto.pid",
    });
  });
});

describe("postgres server options", () => {
  it("binds loopback on the port with a private socket dir and throwaway-speed settings", () => {
    const opts = postgresServerOptions({ port: 15432, host: "127.0.0.1", socketDir: "/tmp/fx/postgres/run" });
    expect(opts).toEqual(
      expect.arrayContaining([
        "-p 15432",
        "-k /tmp/fx/postgres/run",
        "-c listen_addresses=127.0.0.1",
        "-c max_connections=200",
        "-c fsync=off",
        "-c synchronous_commit=off",
        "-c full_page_writes=off",
      ]),
    );
  });

  it("shell-quotes a socket dir with spaces (pg_ctl passes -o through /bin/sh)", () => {
    const opts = postgresServerOptions({ port: 1, host: "127.0.0.1", socketDir: "/tmp/a b" });
    expect(opts).toContain("-k '/tmp/a b'");
  });

  it("keeps data, socket and log under the fixture dir", () => {
    expect(postgresPaths("/tmp/fx")).toEqual({
      root: "/tmp/fx/postgres",
      data: "/tmp/fx/postgres/data",
      socketDir: "/tmp/fx/postgres/run",
      log: "/tmp/fx/postgres/postgres.log",
    });
  });
});
