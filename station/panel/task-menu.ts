// The guided procedures on the page button: after the last page of the rotation comes a "tasks" page; a long press
// there lists the procedures (short: next, long: choose), then asks which dock or rickshaw, then the trainee's number,
// and runs the procedure one step a screen (long press: step done; short press: ask whether to stop).

import { randomBytes } from 'node:crypto';
import type { LcdLines } from '../../firmware-bridge/io-board/io-board.ts';
import type { Clock } from '../../lib/clock.ts';
import type { ScreenLanguage, ScreenWord } from '../display/screen-language.ts';
import { STATE_WORD_KEY } from '../display/screen-language.ts';
import type { Procedure } from '../procedures/procedure-config.ts';
import {
  ProcedureRun,
  refuseStart,
  type ProcedureTarget,
  type RunDeps,
  type RunOptions,
  type StationSight,
} from '../procedures/procedure-run.ts';
import type { Gesture } from './button-gestures.ts';

/** A menu screen left alone this long goes back to the rotation, ms. */
export const MENU_IDLE_MS = 20_000;
/** How long the end of a procedure stays on the screen, ms. */
export const END_MS = 8000;

export interface TaskMenuDeps extends RunDeps {
  clock: Clock;
  language: ScreenLanguage;
  procedures: readonly Procedure[];
  /** Highest trainee number offered; 0: none is asked. */
  traineeNumbers: number;
  /** Service bays the station has, with the label of the rickshaw in each (null: empty). */
  bays: () => ReadonlyArray<{ bay: number; label: string | null }>;
  runOptions?: RunOptions;
}

type Mode =
  | { kind: 'entry' }
  | { kind: 'browse'; index: number }
  | { kind: 'target'; procedure: Procedure; options: ProcedureTarget[]; index: number }
  | { kind: 'trainee'; procedure: Procedure; target: ProcedureTarget; number: number }
  | { kind: 'run'; run: ProcedureRun; asking: boolean }
  | { kind: 'ended'; lines: LcdLines };

/** "Dock 2: lädt" / "Platz 1: Rikscha 3": 20 glyphs at most (the caller's charset check is in the screen code). */
const cut = (s: string): string => (s.length > 20 ? s.slice(0, 20) : s);

export class TaskMenu {
  private mode: Mode | null = null;
  private until = 0;
  private sight: StationSight = { docks: [], chargerOff: () => false, rickshawIn: () => false };

  constructor(private readonly deps: TaskMenuDeps) {}

  /** Whether the station offers procedures at all (else the page button works as before). */
  get available(): boolean {
    return this.deps.procedures.length > 0;
  }

  /** The menu or a procedure owns the page button now. */
  get active(): boolean {
    this.expire();
    return this.mode !== null;
  }

  /** A procedure is running (the maintenance button leaves its dock alone meanwhile). */
  get running(): ProcedureRun | null {
    return this.mode?.kind === 'run' ? this.mode.run : null;
  }

  /** Shows the tasks page (the page button pressed on the rotation's last page). */
  enter(): void {
    this.set({ kind: 'entry' });
  }

  /** Once per station tick: what the station sees; a running procedure moves on or stops. */
  observe(sight: StationSight): void {
    this.sight = sight;
    const m = this.mode;
    if (m?.kind !== 'run') return;
    m.run.observe(sight);
    if (m.run.ended) this.finish(m.run);
  }

  /**
   * A gesture of the page button while the menu is active. Returns 'leave' when the rotation should come back at
   * its first page (a short press on the tasks page, or past the last procedure).
   */
  button(g: Gesture): 'leave' | 'stay' {
    this.expire();
    const m = this.mode;
    if (m === null) return 'leave';
    switch (m.kind) {
      case 'entry':
        if (g === 'short') return this.leave();
        this.set({ kind: 'browse', index: 0 });
        return 'stay';
      case 'browse':
        if (g === 'short') {
          if (m.index + 1 >= this.deps.procedures.length) return this.leave();
          this.set({ kind: 'browse', index: m.index + 1 });
          return 'stay';
        }
        this.choose(this.deps.procedures[m.index]);
        return 'stay';
      case 'target':
        if (g === 'short') this.set({ ...m, index: (m.index + 1) % m.options.length });
        else this.pickTrainee(m.procedure, m.options[m.index]);
        return 'stay';
      case 'trainee':
        if (g === 'short') this.set({ ...m, number: (m.number + 1) % (this.deps.traineeNumbers + 1) });
        else this.start(m.procedure, m.target, m.number === 0 ? null : m.number);
        return 'stay';
      case 'run':
        this.runButton(m, g);
        return 'stay';
      case 'ended':
        return this.leave();
    }
  }

  /** The screen while the menu is active. */
  lines(): LcdLines | undefined {
    this.expire();
    const m = this.mode;
    if (m === null) return undefined;
    const w = (k: ScreenWord) => this.deps.language.word(k);
    const lang = this.deps.language.id;
    switch (m.kind) {
      case 'entry':
        return [w('tasks'), w('menuProcedure'), w('backHint'), w('holdHint')];
      case 'browse': {
        const p = this.deps.procedures[m.index];
        const title = p ? (p.title[lang] ?? p.title.en) : '';
        return [
          cut(`${w('tasks')} ${m.index + 1}/${this.deps.procedures.length}`),
          title,
          w('stepHint'),
          w('holdHint'),
        ];
      }
      case 'target':
        return [
          w(m.procedure.target === 'bay' ? 'pickBay' : 'pickDock'),
          this.targetLine(m.options[m.index]),
          w('stepHint'),
          w('holdHint'),
        ];
      case 'trainee':
        return [w('pickTrainee'), m.number === 0 ? w('noTrainee') : String(m.number), w('stepHint'), w('holdHint')];
      case 'run':
        return m.asking ? [w('abortAsk'), '', w('backHint'), w('abortHint')] : this.stepLines(m.run);
      case 'ended':
        return m.lines;
    }
  }

  private runButton(m: Extract<Mode, { kind: 'run' }>, g: Gesture): void {
    if (m.asking) {
      if (g === 'short') this.mode = { ...m, asking: false };
      else {
        m.run.stop();
        this.finish(m.run);
      }
      return;
    }
    if (g === 'short') this.mode = { ...m, asking: true };
    else m.run.confirm();
  }

  private choose(p: Procedure | undefined): void {
    if (!p) return;
    const options: ProcedureTarget[] =
      p.target === 'bay'
        ? this.deps.bays().map((b) => ({ kind: 'bay', bay: b.bay }))
        : this.sight.docks.map((d) => ({ kind: 'dock', dock: d.dock }));
    if (options.length === 0) return;
    if (options.length === 1 && options[0]) this.pickTrainee(p, options[0]);
    else this.set({ kind: 'target', procedure: p, options, index: 0 });
  }

  private pickTrainee(p: Procedure, target: ProcedureTarget | undefined): void {
    if (!target) return;
    if (this.deps.traineeNumbers === 0) this.start(p, target, null);
    else this.set({ kind: 'trainee', procedure: p, target, number: 0 });
  }

  private start(p: Procedure, target: ProcedureTarget, trainee: number | null): void {
    const w = (k: ScreenWord) => this.deps.language.word(k);
    const refused = refuseStart(p, target, this.sight);
    if (refused) {
      this.set({
        kind: 'ended',
        lines: [w('ackRefused'), w(refused === 'alarm' ? 'dangerStops' : 'faultStops'), '', ''],
      });
      return;
    }
    const runId = `${this.deps.clock.now().toString(36)}-${randomBytes(3).toString('hex')}`;
    const run = new ProcedureRun(runId, p, target, trainee, this.deps, this.sight, this.deps.runOptions);
    this.mode = { kind: 'run', run, asking: false };
  }

  private finish(run: ProcedureRun): void {
    const w = (k: ScreenWord) => this.deps.language.word(k);
    const e = run.ended;
    if (!e) return;
    const title = run.procedure.title[this.deps.language.id] ?? run.procedure.title.en;
    const why: Partial<Record<typeof e.reason, ScreenWord>> = {
      fault: 'faultStops',
      alarm: 'dangerStops',
      'rickshaw-left': 'rickshawLeft',
      'maintenance-off': 'maintenanceOff',
      timeout: 'timedOut',
    };
    const reason = why[e.reason];
    const lines: LcdLines =
      e.outcome === 'done'
        ? [w('done'), title, w('thanks'), '']
        : [w('stopped'), reason ? w(reason) : title, run.chargerHeldOff ? w('chargerStaysOff') : '', ''];
    this.set({ kind: 'ended', lines }, END_MS);
  }

  private stepLines(run: ProcedureRun): LcdLines {
    const w = (k: ScreenWord) => this.deps.language.word(k);
    const s = run.current;
    const text = s ? (s.text[this.deps.language.id] ?? s.text.en) : [];
    const where = run.target.kind === 'dock' ? ` Dock ${run.target.dock}` : ` ${run.target.bay}`;
    const head = `${w('step')} ${run.stepIndex + 1}/${run.procedure.steps.length}`;
    return [
      cut(head.length + where.length <= 20 ? head + where : head),
      text[0] ?? '',
      text[1] ?? '',
      w(run.waiting ? 'waiting' : 'holdWhenDone'),
    ];
  }

  private targetLine(t: ProcedureTarget | undefined): string {
    if (!t) return '';
    if (t.kind === 'bay') {
      const label = this.deps.bays().find((b) => b.bay === t.bay)?.label;
      return cut(`${t.bay}: ${label ?? '-'}`);
    }
    const d = this.sight.docks.find((x) => x.dock === t.dock);
    const state = d && d.state in STATE_WORD_KEY ? this.deps.language.word(STATE_WORD_KEY[d.state as 'idle']) : '';
    return cut(`Dock ${t.dock}: ${state}`);
  }

  private set(mode: Mode, ms = MENU_IDLE_MS): void {
    this.mode = mode;
    this.until = this.deps.clock.monotonic() + ms;
  }

  private leave(): 'leave' {
    this.mode = null;
    return 'leave';
  }

  /** A menu screen nobody touches goes away; a running procedure stays (it has its own idle stop). */
  private expire(): void {
    if (this.mode === null || this.mode.kind === 'run') return;
    if (this.deps.clock.monotonic() >= this.until) this.mode = null;
  }
}
