// Keeps the station's I/O board connected: remembers what the station last asked of the LEDs, the screen and the
// buttons, notices a board that went away (its port closed, or no answer to a ping), reopens it with backoff
// and paints everything again, so a board that was unplugged or reset shows the station's state without a restart.

import type { Clock, TimerHandle } from '../../lib/clock.ts';
import type { ButtonName, IoBoardConfig } from './io-board-config.ts';
import {
  IoBoard,
  IoBoardError,
  type ButtonEvent,
  type IoBoardOptions,
  type LcdLines,
  type LedSetting,
} from './io-board.ts';
import type { VirtualIo } from './virtual-io.ts';

export interface IoBoardKeeperOptions extends IoBoardOptions {
  /** A round trip to the board this often, ms; a board can die without its port telling (a pty, a hung USB chip). Default 2000. */
  pingEveryMs?: number;
  /** No answer within this long, ms, and the board counts as gone. Default 3000. */
  replyTimeoutMs?: number;
  /** First and longest wait between reopen attempts, ms; doubling in between. Defaults 500 and 8000. */
  minRetryMs?: number;
  maxRetryMs?: number;
  /** Called once when the board goes away (with why) and once when it is back. */
  onStatus?: (up: boolean, detail: string) => void;
  /** Stand-in for IoBoard.open (tests). */
  openBoard?: (cfg: IoBoardConfig, opts: IoBoardOptions) => Promise<IoBoard>;
}

interface Subscription {
  name: ButtonName;
  event: ButtonEvent;
  cb: () => void;
  off: (() => void) | null;
}

export class IoBoardKeeper {
  private board: IoBoard | null = null;
  private readonly leds = new Map<string, LedSetting>();
  private lines: LcdLines | null = null;
  private readonly subs = new Set<Subscription>();
  private timer: TimerHandle | null = null;
  private retryMs: number;
  private closed = false;
  /** Times the board was opened again after a loss. */
  reconnects = 0;

  private constructor(
    private readonly cfg: IoBoardConfig,
    private readonly opts: IoBoardKeeperOptions,
  ) {
    this.retryMs = opts.minRetryMs ?? 500;
    for (const name of Object.keys(cfg.leds)) this.leds.set(name, { color: 'green', pattern: 'off' });
  }

  /** Opens the board; the first open must succeed (a wrong port is a config error), later ones are retried. */
  static async open(cfg: IoBoardConfig, opts: IoBoardKeeperOptions): Promise<IoBoardKeeper> {
    const keeper = new IoBoardKeeper(cfg, opts);
    keeper.attach(await keeper.openOnce());
    return keeper;
  }

  get clock(): Clock {
    return this.opts.clock;
  }

  /** True while a board is open and answering. */
  get connected(): boolean {
    return this.board !== null;
  }

  get virtual(): VirtualIo | null {
    return this.board?.virtual ?? null;
  }

  get ledNames(): string[] {
    return [...this.leds.keys()];
  }

  get buttonNames(): ButtonName[] {
    return (Object.keys(this.cfg.buttons) as ButtonName[]).filter((b) => this.cfg.buttons[b]);
  }

  setLed(name: string, setting: LedSetting): void {
    if (!this.leds.has(name))
      throw new IoBoardError('UNKNOWN_LED', `no LED "${name}" (configured: ${this.ledNames.join(', ') || 'none'})`);
    this.leds.set(name, { ...setting });
    this.board?.setLed(name, setting);
  }

  showLines(lines: LcdLines): void {
    this.lines = [...lines] as unknown as LcdLines;
    this.board?.showLines(lines);
  }

  onButton(name: ButtonName, event: ButtonEvent, cb: () => void): () => void {
    if (!this.cfg.buttons[name])
      throw new IoBoardError(
        'UNKNOWN_BUTTON',
        `no button "${name}" (configured: ${this.buttonNames.join(', ') || 'none'})`,
      );
    const sub: Subscription = { name, event, cb, off: this.board?.onButton(name, event, cb) ?? null };
    this.subs.add(sub);
    return () => {
      sub.off?.();
      this.subs.delete(sub);
    };
  }

  /** What the station last asked for (while the board is away too). */
  snapshot(): { leds: Record<string, LedSetting>; lines: string[] } {
    const leds: Record<string, LedSetting> = {};
    for (const [name, s] of this.leds) leds[name] = { ...s };
    return { leds, lines: this.lines ? [...this.lines] : ['', '', '', ''] };
  }

  /** One edge on the heartbeat pin, if configured (IoBoard.heartbeat); none while the board is away. */
  heartbeat(): void {
    this.board?.heartbeat();
  }

  /** Resolves after a round trip to the board: everything written before has been carried out. */
  ping(): Promise<void> {
    return this.board?.ping() ?? Promise.reject(new IoBoardError('CLOSED', 'the I/O board is not connected'));
  }

  /** LEDs off and the screen cleared where the board still answers, then the port released; no more reopening. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.timer?.cancel();
    this.timer = null;
    const board = this.board;
    this.board = null;
    await board?.close();
  }

  private openOnce(): Promise<IoBoard> {
    const open = this.opts.openBoard ?? ((c: IoBoardConfig, o: IoBoardOptions) => IoBoard.open(c, o));
    let board: IoBoard | null = null;
    const onError = (err: unknown) => {
      if (err instanceof IoBoardError && err.code === 'CLOSED') {
        if (board && board === this.board) this.lost('its port closed');
      } else this.opts.onError?.(err);
    };
    return open(this.cfg, { ...this.opts, onError }).then((b) => (board = b));
  }

  /** Takes a freshly opened board into service: everything the station asked for goes to it again. */
  private attach(board: IoBoard): void {
    this.board = board;
    this.retryMs = this.opts.minRetryMs ?? 500;
    for (const [name, setting] of this.leds) board.setLed(name, setting);
    if (this.lines) board.showLines(this.lines);
    for (const sub of this.subs) sub.off = board.onButton(sub.name, sub.event, sub.cb);
    this.watch(board);
  }

  /** Pings the board every pingEveryMs; a missed answer counts as a lost board. */
  private watch(board: IoBoard): void {
    this.timer = this.opts.clock.setTimeout(() => {
      if (board !== this.board) return;
      let answered = false;
      const deadline = this.opts.clock.setTimeout(() => {
        if (!answered && board === this.board)
          this.lost(`no answer to a ping within ${this.opts.replyTimeoutMs ?? 3000} ms`);
      }, this.opts.replyTimeoutMs ?? 3000);
      board.ping().then(
        () => {
          answered = true;
          deadline.cancel();
          if (board === this.board) this.watch(board);
        },
        () => undefined,
      );
    }, this.opts.pingEveryMs ?? 2000);
  }

  private lost(why: string): void {
    const board = this.board;
    if (!board || this.closed) return;
    this.board = null;
    this.timer?.cancel();
    for (const sub of this.subs) sub.off = null;
    this.opts.onStatus?.(
      false,
      `I/O board lost (${why}); reopening it every ${this.retryMs}..${this.opts.maxRetryMs ?? 8000} ms`,
    );
    board.close().catch((err: unknown) => this.opts.onError?.(err));
    this.retry();
  }

  private retry(): void {
    this.timer = this.opts.clock.setTimeout(() => {
      this.timer = null;
      if (this.closed) return;
      this.openOnce().then(
        (board) => {
          if (this.closed) return void board.close();
          this.reconnects++;
          this.attach(board);
          this.opts.onStatus?.(true, 'I/O board back: LEDs and screen repainted');
        },
        () => {
          this.retryMs = Math.min(this.retryMs * 2, this.opts.maxRetryMs ?? 8000);
          this.retry();
        },
      );
    }, this.retryMs);
  }
}
