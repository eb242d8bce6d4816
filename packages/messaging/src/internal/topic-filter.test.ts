import { describe, expect, it } from "vitest";
import { parseTopicFilter, topicMatches } from "./topic-filter.js";

describe("topic filters", () => {
  it("matches MQTT wildcards", () => {
    expect(topicMatches("a/+/c", "a/b/c")).toBe(true);
    expect(topicMatches("a/+/c", "a/b/d")).toBe(false);
    expect(topicMatches("a/#", "a")).toBe(true);
    expect(topicMatches("a/#", "a/b/c")).toBe(true);
    expect(topicMatches("#", "a/b")).toBe(true);
    expect(topicMatches("+", "a/b")).toBe(false);
    expect(topicMatches("a/+", "a/")).toBe(true);
    expect(topicMatches("#", "$SYS/x")).toBe(false);
    expect(topicMatches("$SYS/#", "$SYS/x")).toBe(true);
  });

  it("splits a shared subscription into group and filter", () => {
    expect(parseTopicFilter("$share/workers/jobs/+")).toEqual({
      raw: "$share/workers/jobs/+",
      filter: "jobs/+",
      shareGroup: "workers",
    });
    expect(parseTopicFilter("jobs/#")).toEqual({ raw: "jobs/#", filter: "jobs/#" });
  });

  it("rejects filters a broker would refuse", () => {
    for (const bad of [
      "",
      "a/#/b",
      "a/b#",
      "a+/b",
      "$share/",
      "$share/g",
      "$share/g/",
      "$share/+/a",
      "a\u0000",
    ]) {
      expect(() => parseTopicFilter(bad)).toThrow(expect.objectContaining({ code: "SFN_TOPIC_INVALID" }));
    }
  });
});
