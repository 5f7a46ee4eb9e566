// Typed errors every codec returns (never throws) for bytes that are not a valid frame.
// Codes, not message text, are what callers and tests look at.

export type CodecErrorCode =
  | 'TRUNCATED' // fewer bytes than the frame header promises
  | 'BAD_START' // first byte is not the protocol's start marker
  | 'BAD_END' // the end marker is missing where the length says it must be
  | 'BAD_LENGTH' // a length field out of the protocol's range
  | 'CHECKSUM' // checksum or CRC mismatch
  | 'BAD_STATUS' // device answered with an error status / exception
  | 'UNSUPPORTED' // well-formed frame of a kind this codec does not decode
  | 'BAD_PAYLOAD'; // payload too short or inconsistent for its declared kind

export class CodecError extends Error {
  constructor(
    readonly code: CodecErrorCode,
    readonly protocol: string,
    message: string,
  ) {
    super(`${protocol}: ${message}`);
    this.name = 'CodecError';
  }
}

/** Result of a total decode: a value or a typed error, never an exception. */
export type Decoded<T> = { ok: true; value: T } | { ok: false; error: CodecError };

export const ok = <T>(value: T): Decoded<T> => ({ ok: true, value });
export const fail = <T = never>(protocol: string, code: CodecErrorCode, message: string): Decoded<T> => ({
  ok: false,
  error: new CodecError(code, protocol, message),
});
