import mqttPacket from "mqtt-packet";

/**
 * mqtt-packet (mqtt.js's encoder) by default builds, on the first packet a process writes, a cache of
 * 65,536 two-byte Buffers — one per 16-bit number — to write packet ids and lengths: ~6.5 MB of heap
 * that stays for the life of the process, the largest single item in an idle service's heap. Without
 * it each 16-bit field of a packet gets a fresh 2-byte Buffer instead. Process-wide (every mqtt.js
 * client shares mqtt-packet); call before the first connection.
 */
export function useUncachedPacketNumbers(): void {
  mqttPacket.writeToStream.cacheNumbers = false;
}
