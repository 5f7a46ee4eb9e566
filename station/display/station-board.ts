// The station's I/O board in service: opens it when the config has one, shows the docks on the LEDs and the screen
// every tick, and hands its buttons to the station panel (station/panel: paging, acknowledge, maintenance).

import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.ts';
import { IoBoardKeeper } from '../../firmware-bridge/io-board/io-board-keeper.ts';
import type { IoBoardConfig } from '../../firmware-bridge/io-board/io-board-config.ts';
import type { LcdLines, LedSetting } from '../../firmware-bridge/io-board/io-board.ts';
import type { ChargeController } from '../charging/charge-controller.ts';
import type { DockView } from '../charging/charging-types.ts';
import type { DockDevices } from '../devices/dock-devices.ts';
import { faultCodeOf } from './display-dock.ts';
import { DisplayRenderer } from './display-renderer.ts';
import type { BayShown } from '../bays/rickshaw-notices.ts';
import { GERMAN_SCREEN, type ScreenLanguage } from './screen-language.ts';
import type { DisplayDock } from './station-display.ts';
import { attachPanelButtons } from '../panel/panel-buttons.ts';
import { CheckoutPrompt } from '../panel/checkout-prompt.ts';
import { StationPanel, type PanelDeps } from '../panel/station-panel.ts';
import { TaskMenu } from '../panel/task-menu.ts';
import type { Procedure } from '../procedures/procedure-config.ts';
import type { RunOptions, StationSight } from '../procedures/procedure-run.ts';

/** What the screen shows now, for the kiosk page (station/kiosk). */
export interface ScreenSnapshot {
  lines: LcdLines;
  leds: Array<{ name: string; setting: LedSetting }>;
}

export class StationBoard {
  private last: ScreenSnapshot = { lines: ['', '', '', ''], leds: [] };

  private constructor(
    readonly board: IoBoardKeeper,
    private readonly display: DisplayRenderer,
    private readonly charset: IoBoardConfig['lcd']['charset'],
    private readonly language: ScreenLanguage,
    private readonly panel: StationPanel,
    private readonly stopButtons: () => void,
    /** The guided procedures on the page button. */
    readonly tasks: TaskMenu,
    /** Check-out of booked packs: which pack left which dock, confirmed on the page button. */
    readonly checkout: CheckoutPrompt,
  ) {}

  static async open(
    cfg: IoBoardConfig,
    deps: {
      clock: Clock;
      log: Logger;
      controller: ChargeController;
      views: () => DockView[];
      /** Screen language (station config display); German when absent. */
      language?: ScreenLanguage;
      /** Records what a person did at the station's buttons (an event). */
      record?: PanelDeps['record'];
      /** Guided procedures offered on the page button (none: the button only turns pages and acknowledges). */
      procedures?: readonly Procedure[];
      /** Highest trainee number offered before a procedure; 0: none asked. Default 30. */
      traineeNumbers?: number;
      /** The station's service bays (numbers), for procedures on a docked rickshaw. */
      bays?: readonly number[];
      runOptions?: RunOptions;
    },
  ): Promise<StationBoard> {
    // The keeper reopens a board that went away (unplugged, reset) and paints it again.
    const board = await IoBoardKeeper.open(cfg, {
      clock: deps.clock,
      onError: (err) => deps.log.warn({ err: String(err) }, 'io board error'),
      onStatus: (up, detail) => (up ? deps.log.info(detail) : deps.log.warn(detail)),
    });
    const display = new DisplayRenderer(board, deps.clock);
    const language = deps.language ?? GERMAN_SCREEN;
    let bayLabels: ReadonlyMap<number, string> = new Map();
    const tasks = new TaskMenu({
      clock: deps.clock,
      language,
      procedures: deps.procedures ?? [],
      traineeNumbers: deps.traineeNumbers ?? 30,
      bays: () => (deps.bays ?? []).map((bay) => ({ bay, label: bayLabels.get(bay) ?? null })),
      record: (type, dock, message, data) =>
        deps.record?.(type, dock, message, data) ?? deps.log.info({ type, dock, ...data }, message),
      setMaintenance: (dock, on) => deps.controller.setMaintenance(dock, on),
      ...(deps.runOptions ? { runOptions: deps.runOptions } : {}),
    });
    const checkout = new CheckoutPrompt({
      clock: deps.clock,
      log: deps.log,
      language,
      record: (type, dock, message, data, severity) =>
        deps.record?.(type, dock, message, data, severity) ?? deps.log.info({ type, dock, ...data }, message),
      packTaken: (id, delta) => deps.controller.bookingPackTaken(id, delta),
    });
    const panel = new StationPanel({
      ...deps,
      language,
      tasks,
      checkout,
      nextPage: () => display.nextPage(),
      firstPage: () => display.firstPage(),
    });
    const stop = attachPanelButtons(board, cfg.buttons, panel, deps.clock);
    const sb = new StationBoard(board, display, cfg.lcd.charset, language, panel, stop, tasks, checkout);
    sb.labelBays = (m) => (bayLabels = m);
    return sb;
  }

  private labelBays: (labels: ReadonlyMap<number, string>) => void = () => undefined;

  /** The screen and LEDs as last written (the kiosk page shows the same). */
  snapshot(): ScreenSnapshot {
    return this.last;
  }

  /** Called every tick with the charging core's views; the board sends only what changed. */
  update(
    views: readonly DockView[],
    docks: ReadonlyMap<number, DockDevices>,
    linkUp: boolean,
    rickshaws: readonly BayShown[] = [],
    bays: readonly number[] = [],
  ): void {
    const shown: DisplayDock[] = views.map((v) => {
      const b = docks.get(v.dock)?.bmsPoller.latest?.value ?? null;
      return {
        dock: v.dock,
        state: v.state,
        socPct: b?.socPct ?? null,
        ...(v.code !== undefined ? { code: v.code } : {}),
        ...faultCodeOf(v, b?.tempsC ?? null),
        doNotDispatch: v.doNotDispatch,
        awaitingAck: v.awaitingAck,
        ...(v.alarm !== undefined ? { alarm: v.alarm } : {}),
        bookingId: v.bookingId,
        batteryId: v.batteryId,
        maxTempC: b && b.tempsC.length > 0 ? Math.max(...b.tempsC) : null,
      };
    });
    this.labelBays(new Map(rickshaws.map((r) => [r.bay, r.label])));
    this.tasks.observe(stationSight(views, shown, docks, rickshaws));
    this.checkout.observe(
      shown.map((d) => ({
        dock: d.dock,
        state: d.state,
        batteryId: d.batteryId ?? null,
        bookingId: d.bookingId ?? null,
        socPct: d.socPct,
      })),
    );
    const overlay = this.panel.overlay();
    const out = this.display.update(
      {
        docks: shown,
        linkUp,
        charset: this.charset,
        rickshaws,
        bays,
        language: this.language,
        bookingLabels: bookingLabels(shown),
      },
      overlay,
    );
    this.panel.showing(out.lines, out.page, out.pages);
    this.last = { lines: overlay ?? out.lines, leds: out.leds };
    this.board.heartbeat();
  }

  close(): Promise<void> {
    this.stopButtons();
    return this.board.close();
  }
}

/** The booking pages name each ride by its id when it fits the line ("Fahrt B-7KQ2M:"), as the desk shows it. */
function bookingLabels(shown: readonly DisplayDock[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const d of shown) if (d.bookingId && d.bookingId.length <= 13) labels[d.bookingId] = d.bookingId;
  return labels;
}

/** What the guided procedures see this tick: packs, faults, alarms, charger outputs and rickshaws in the bays. */
function stationSight(
  views: readonly DockView[],
  shown: readonly DisplayDock[],
  devices: ReadonlyMap<number, DockDevices>,
  rickshaws: readonly BayShown[],
): StationSight {
  const byDock = new Map(shown.map((d) => [d.dock, d]));
  return {
    docks: views.map((v) => {
      const d = byDock.get(v.dock);
      return {
        dock: v.dock,
        state: v.state,
        batteryId: v.batteryId,
        ...(d?.faultCode !== undefined ? { faultCode: d.faultCode } : {}),
        ...(v.alarm !== undefined ? { alarm: v.alarm } : {}),
      };
    }),
    chargerOff(dock) {
      const v = views.find((x) => x.dock === dock);
      if (!v || v.grantedA > 0 || v.state === 'charging' || v.state === 'balancing') return false;
      const dev = devices.get(dock);
      // Without the dock's devices (the charging core alone, in tests) the core's own word counts.
      if (!dev?.chargerPoller) return true;
      // The charger must say so itself: off, and no current flowing.
      const r = dev.chargerPoller.latest?.value;
      return r !== undefined && !r.outputOn && r.currentA < 0.2;
    },
    rickshawIn: (bay) => rickshaws.some((r) => r.bay === bay),
  };
}
