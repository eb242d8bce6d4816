import type { Messaging } from "@sfn/contracts";

/**
 * The function's Messaging with nested calls capped at the incoming call's limit (P-TIME-6): a
 * nested call never waits longer than the caller of this function still does.
 */
export function boundedMessaging(messaging: Messaging | undefined, limitAt: number): Messaging | undefined {
  if (!messaging) return undefined;
  return new Proxy(messaging, {
    get(target, property, receiver) {
      if (property === "sendAndWait") {
        // The absolute limit travels as the deadline header, so the nested deadline is never later than
        // ours even when time passes between here and the envelope being built.
        const sendAndWait: Messaging["sendAndWait"] = (topic, request, timeout, options) =>
          target.sendAndWait(topic, request, Math.max(1, Math.min(timeout, limitAt - Date.now())), {
            ...options,
            headers: { ...options?.headers, deadline: String(limitAt) },
          });
        return sendAndWait;
      }
      const value = Reflect.get(target, property, receiver);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
