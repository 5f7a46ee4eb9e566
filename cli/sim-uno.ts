// `rikscha sim --uno`: a simulated Arduino Uno running StandardFirmata as the station's I/O board, so trainees
// practise with the real firmware; its LEDs and screen show on the simulator's board model (GET /api/sim).

import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.ts';
import type { IoBoardConfigInput } from '../firmware-bridge/io-board/io-board-config.ts';
import type { Scenario } from '../hardware/scenario/scenario-schema.ts';
import type { SimStation } from '../hardware/station-sim/sim-station.ts';
import { SimulatedUno } from '../hardware/uno-sim/simulated-uno.ts';
import { mirrorUno } from '../hardware/uno-sim/uno-board-mirror.ts';
import {
  UNO_ACK_HOLD_MS,
  UNO_BUTTON_PINS,
  UNO_MAX_DOCKS,
  unoBoardConfig,
  unoLedPins,
} from '../hardware/uno-sim/uno-pin-map.ts';
import { UsageError } from './options.ts';

export interface SimUno {
  board: SimulatedUno;
  /** The station config's `ioBoard` section for it. */
  ioBoard: IoBoardConfigInput;
  stop(): Promise<void>;
}

export async function startSimUno(
  station: SimStation,
  scenario: Scenario,
  deps: { clock: Clock; log: Logger; dir: string | null },
): Promise<SimUno> {
  const docks = scenario.docks.map((d) => d.dock);
  if (docks.length > UNO_MAX_DOCKS)
    throw new UsageError(
      `--uno: the simulated Uno has LED pins for ${UNO_MAX_DOCKS} docks; the scenario has ${docks.length}`,
    );
  const board = new SimulatedUno({
    ...(deps.dir ? { link: join(deps.dir, 'uno') } : {}),
    onStderr: (line) => deps.log.warn({ line }, 'uno-sim'),
  });
  await board.start();
  deps.log.info({ port: board.link }, 'simulated Uno started; StandardFirmata boots in about 2 s');
  const stopMirror = mirrorUno(board, station.ioBoard, unoLedPins(docks), UNO_BUTTON_PINS, deps.clock, 100, {
    acknowledge: UNO_ACK_HOLD_MS,
  });
  return {
    board,
    ioBoard: unoBoardConfig(board.link, docks),
    async stop() {
      stopMirror();
      await board.stop();
    },
  };
}
