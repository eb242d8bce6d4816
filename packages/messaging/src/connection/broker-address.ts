import { ValidationError } from "@sfn/contracts";
import { MessagingErrorCodes } from "../errors/messaging-error-codes.js";

/** Broker credentials written into the URL (`mqtt://user:secret@host`), percent-decoded. */
export interface UrlCredentials {
  username?: string;
  password?: string;
}

/**
 * Where the broker is: a raw TCP or TLS socket we open ourselves, or a WebSocket URL mqtt.js opens;
 * plus the credentials the URL carries, if any.
 */
export type BrokerAddress =
  | ({ transport: "tcp" | "tls"; host: string; port: number } & UrlCredentials)
  | ({ transport: "websocket"; url: string } & UrlCredentials);

function credentials(url: URL): UrlCredentials {
  return {
    ...(url.username === "" ? {} : { username: decodeURIComponent(url.username) }),
    ...(url.password === "" ? {} : { password: decodeURIComponent(url.password) }),
  };
}

/** The URL without its password, for logs. */
export function redactBrokerUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== "") parsed.password = "***";
    return parsed.toString();
  } catch {
    return "(unparsable broker url)";
  }
}

const DEFAULT_PORTS: Record<string, number> = { mqtt: 1883, tcp: 1883, mqtts: 8883, ssl: 8883, tls: 8883 };

/** Parses `mqtt://`, `tcp://`, `mqtts://`, `ssl://`, `tls://`, `ws://` and `wss://` broker URLs. */
export function parseBrokerUrl(url: string): BrokerAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError(`broker url '${url}' is not a URL`, {
      code: MessagingErrorCodes.invalidArgument,
    });
  }
  const scheme = parsed.protocol.replace(/:$/, "");
  if (scheme === "ws" || scheme === "wss") return { transport: "websocket", url, ...credentials(parsed) };
  const defaultPort = DEFAULT_PORTS[scheme];
  if (defaultPort === undefined) {
    throw new ValidationError(
      `broker url scheme '${scheme}' is not supported (mqtt, mqtts, tcp, ssl, tls, ws, wss)`,
      { code: MessagingErrorCodes.invalidArgument },
    );
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = parsed.port === "" ? defaultPort : Number(parsed.port);
  return { transport: defaultPort === 1883 ? "tcp" : "tls", host, port, ...credentials(parsed) };
}
