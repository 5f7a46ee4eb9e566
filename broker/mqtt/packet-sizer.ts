// Reads MQTT fixed headers off a byte stream as it passes, without buffering packets: the packet type and the
// remaining length (MQTT's variable-length integer, 1 to 4 bytes of 7 bits each) are known a few bytes into each
// packet, so an oversized packet is refused before its body is read, not after Aedes has buffered all of it.

export type SizerVerdict = { ok: true } | { ok: false; reason: 'too_large' | 'malformed'; detail: string };

/** Remaining length above which MQTT's encoding has no room: 4 bytes of 7 bits. */
export const MQTT_MAX_REMAINING = 268_435_455;

type State =
  { at: 'type' } | { at: 'length'; type: number; value: number; shift: number } | { at: 'body'; left: number };

export class PacketSizer {
  private state: State = { at: 'type' };
  /** Packets whose header has been read completely (the body may still be arriving). */
  packets = 0;

  constructor(
    /** The largest remaining length allowed for the next packet, asked afresh per packet (login raises it). */
    private readonly limit: (packetIndex: number, type: number) => number,
  ) {}

  /** Walks a chunk; the first refusal is final (the caller closes the connection). */
  feed(chunk: Uint8Array): SizerVerdict {
    let i = 0;
    while (i < chunk.length) {
      const s = this.state;
      if (s.at === 'body') {
        const take = Math.min(s.left, chunk.length - i);
        i += take;
        s.left -= take;
        if (s.left === 0) this.state = { at: 'type' };
        continue;
      }
      const byte = chunk[i++] as number;
      if (s.at === 'type') {
        const type = byte >> 4;
        if (type === 0) return { ok: false, reason: 'malformed', detail: 'packet type 0 is reserved' };
        this.state = { at: 'length', type, value: 0, shift: 0 };
        continue;
      }
      s.value += (byte & 0x7f) * 2 ** s.shift;
      s.shift += 7;
      if (byte & 0x80) {
        if (s.shift >= 28) return { ok: false, reason: 'malformed', detail: 'remaining length longer than 4 bytes' };
        continue;
      }
      const max = this.limit(this.packets, s.type);
      this.packets += 1;
      if (s.value > max)
        return { ok: false, reason: 'too_large', detail: `packet type ${s.type}: ${s.value} bytes > ${max}` };
      this.state = s.value === 0 ? { at: 'type' } : { at: 'body', left: s.value };
    }
    return { ok: true };
  }
}
