// Stream decoding contract: bytes arrive in arbitrary chunks; a decoder yields whole frames and reports what it skipped.
// Every protocol's stream decoder implements this, so the bus can count CRC errors and resyncs the same way for all.

import type { CodecError } from './codec-error.ts';

export type DecodeEvent<F> =
  /** A complete frame whose checksum was right. */
  | { kind: 'frame'; frame: F; raw: Buffer }
  /** A candidate frame that failed its checks (e.g. CHECKSUM); its start byte is skipped and scanning goes on. */
  | { kind: 'error'; error: CodecError; raw: Buffer }
  /** Bytes thrown away while hunting for the next start marker. */
  | { kind: 'resync'; skipped: number };

export interface FrameDecoder<F> {
  /** Feeds a chunk and returns everything that became decidable; incomplete tails are kept for the next chunk. */
  push(chunk: Uint8Array): DecodeEvent<F>[];
  /** Drops buffered bytes (after a timeout or reconnect, so a stale half-frame cannot glue onto a new reply). */
  reset(): void;
  /** Bytes currently buffered, waiting for more. */
  readonly pending: number;
}
