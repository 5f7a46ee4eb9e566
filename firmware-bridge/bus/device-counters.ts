// Per-device health counters, exposed through the station's /metrics and telemetry.

export class DeviceCounters {
  requests = 0;
  responses = 0;
  /** Exchanges that got no reply at all (or only garbage) within their timeout. */
  timeouts = 0;
  /** Exchanges that failed because their reply had a bad checksum: the line garbles, the device answers. */
  badChecksumReplies = 0;
  /** Exchanges that failed because their reply was cut short or of the wrong length. */
  badLengthReplies = 0;
  /** Failed exchanges asked once more within their poll period. */
  retries = 0;
  /** Candidate frames whose checksum was wrong (the reply's, or a false start in garbage). */
  crcErrors = 0;
  /** Candidate frames that failed for a reason other than the checksum (bad length, bad end marker). */
  frameErrors = 0;
  resyncs = 0;
  garbageBytes = 0;
  /** The device answered with an error status or a Modbus exception. */
  deviceErrors = 0;
  reconnects = 0;
  /** Well-formed frames that answered nothing in flight: late replies after a timeout, or other devices' frames. */
  unmatchedFrames = 0;
  lastAnswerAt: number | null = null;

  snapshot(): DeviceCountersSnapshot {
    return {
      requests: this.requests,
      responses: this.responses,
      timeouts: this.timeouts,
      badChecksumReplies: this.badChecksumReplies,
      badLengthReplies: this.badLengthReplies,
      retries: this.retries,
      crcErrors: this.crcErrors,
      frameErrors: this.frameErrors,
      resyncs: this.resyncs,
      garbageBytes: this.garbageBytes,
      deviceErrors: this.deviceErrors,
      reconnects: this.reconnects,
      unmatchedFrames: this.unmatchedFrames,
      lastAnswerAt: this.lastAnswerAt,
    };
  }
}

export type DeviceCountersSnapshot = {
  requests: number;
  responses: number;
  timeouts: number;
  badChecksumReplies: number;
  badLengthReplies: number;
  retries: number;
  crcErrors: number;
  frameErrors: number;
  resyncs: number;
  garbageBytes: number;
  deviceErrors: number;
  reconnects: number;
  unmatchedFrames: number;
  lastAnswerAt: number | null;
};
