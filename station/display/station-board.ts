// The station's I/O board in service: opens it when the config has one, shows the docks on the LEDs and the screen
// every tick, and hands its buttons to the station panel (station/panel: paging, acknowledge, maintenance).

import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.ts';
import { IoBoardKeeper } from '../../firmware-bridge/io-board/io-board-keeper.ts';
import type { IoBoardConfig } from '../../firmware-bridge/io-board/io-board-config.ts';
import type { ChargeController } from '../charging/charge-controller.ts';
import type { DockView } from '../charging/charging-types.ts';
import type { DockDevices } from '../devices/dock-devices.ts';
import { faultCodeOf } from './display-dock.ts';
import { DisplayRenderer } from './display-renderer.ts';
import type { BayShown } from '../bays/rickshaw-notices.ts';
import { GERMAN_SCREEN, type ScreenLanguage } from './screen-language.ts';
import type { DisplayDock } from './station-display.ts';
import { attachPanelButtons } from '../panel/panel-buttons.ts';
import { StationPanel, type PanelDeps } from '../panel/station-panel.ts';

export class StationBoard {
  private constructor(
    readonly board: IoBoardKeeper,
    private readonly display: DisplayRenderer,
    private readonly charset: IoBoardConfig['lcd']['charset'],
    private readonly language: ScreenLanguage,
    private readonly panel: StationPanel,
    private readonly stopButtons: () => void,
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
    const panel = new StationPanel({ ...deps, language, nextPage: () => display.nextPage() });
    const stop = attachPanelButtons(board, cfg.buttons, panel, deps.clock);
    return new StationBoard(board, display, cfg.lcd.charset, language, panel, stop);
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
        maxTempC: b && b.tempsC.length > 0 ? Math.max(...b.tempsC) : null,
      };
    });
    const out = this.display.update(
      { docks: shown, linkUp, charset: this.charset, rickshaws, bays, language: this.language },
      this.panel.overlay(),
    );
    this.panel.showing(out.lines);
    this.board.heartbeat();
  }

  close(): Promise<void> {
    this.stopButtons();
    return this.board.close();
  }
}
