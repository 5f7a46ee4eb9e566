// Renders the charging core's dock views onto the I/O board: called each station tick, it computes what the LEDs and
// screen show and hands it to the board (which sends only what changed). Kept apart so station-display.ts stays pure.

import type { Clock } from '../../lib/clock.ts';
import type { LcdLines, LedSetting } from '../../firmware-bridge/io-board/io-board.ts';
import { computeDisplay, PAGE_MS, type DisplayInput, type DisplayOutput } from './station-display.ts';

/** The part of IoBoard the display needs; a fake in tests, the real board on the station. */
export interface DisplaySink {
  readonly ledNames: readonly string[];
  setLed(name: string, setting: LedSetting): void;
  showLines(lines: LcdLines): void;
}

export class DisplayRenderer {
  private readonly known: Set<string>;
  /** Added to the clock to pick the page: each press of the page button moves it to the next page boundary. */
  private shiftMs = 0;
  private lastPages = 1;

  constructor(
    private readonly sink: DisplaySink,
    private readonly clock: Clock,
  ) {
    this.known = new Set(sink.ledNames);
  }

  /**
   * Call once per station tick (and on a link up/down change). Pages turn at the next call after a page boundary, so
   * a 1 s tick turns them within a second of schedule. LEDs the board does not have (a station with fewer dock LEDs
   * than docks) are skipped rather than thrown on.
   */
  update(input: Omit<DisplayInput, 'now'>, override?: LcdLines): DisplayOutput {
    const out = computeDisplay({ ...input, now: this.clock.monotonic() + this.shiftMs });
    this.lastPages = out.pages;
    for (const { name, setting } of out.leds) if (this.known.has(name)) this.sink.setLed(name, setting);
    // A message of the station panel (button feedback, a menu) stands in for the rotation while it lasts.
    this.sink.showLines(override ?? out.lines);
    return out;
  }

  /** Turns to the next page now (the page button); the rotation goes on from there. */
  nextPage(): void {
    const t = this.clock.monotonic() + this.shiftMs;
    this.shiftMs += PAGE_MS - (((t % PAGE_MS) + PAGE_MS) % PAGE_MS);
  }

  /** Turns to the first page now (leaving the tasks menu), as many page turns on as it takes. */
  firstPage(): void {
    this.nextPage();
    const t = this.clock.monotonic() + this.shiftMs;
    const page = Math.floor(t / PAGE_MS) % this.lastPages;
    if (page !== 0) this.shiftMs += (this.lastPages - page) * PAGE_MS;
  }
}
