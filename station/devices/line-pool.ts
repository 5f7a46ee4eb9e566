// One line (transport, keeper, request bus) per port address, shared by every device on it (several chargers on one
// RS-485 bus), and one Modbus master per line. Devices register what to do when their line is lost.

import type { Logger } from 'pino';
import { LineKeeper } from '../../firmware-bridge/bus/line-keeper.ts';
import { RequestBus } from '../../firmware-bridge/bus/request-bus.ts';
import { createRtuMaster, createTcpMaster, type ModbusClient } from '../../firmware-bridge/modbus/modbus-master.ts';
import { createTransport } from '../../firmware-bridge/transports/transport-factory.ts';
import type { Clock } from '../../lib/clock.ts';

export interface Line {
  address: string;
  keeper: LineKeeper;
  bus: RequestBus;
  /** Devices on this line, for marking them offline when it is lost. */
  onLost: (() => void)[];
}

/** Modbus RTU needs 3.5 character times of silence between frames; at 115200 Bd the spec fixes it at 1.75 ms. */
function modbusGapMs(baudRate: number): number {
  return baudRate > 19200 ? 1.75 : (3.5 * 11 * 1000) / baudRate;
}

export class LinePool {
  private readonly byAddress = new Map<string, Line>();
  private readonly modbusClients = new Map<string, ModbusClient>();

  constructor(private readonly deps: { clock: Clock; log: Logger }) {}

  /** The line at `address`, opened on first use with this baud rate and inter-frame gap. */
  line(address: string, baudRate: number, gapMs = 0): Line {
    const known = this.byAddress.get(address);
    if (known) return known;
    const { clock, log } = this.deps;
    const transport = createTransport(address, { baudRate });
    // The keeper names its line in every line it logs: a `line` binding here would put the key in twice.
    const keeper = new LineKeeper(transport, { clock, log });
    const line: Line = { address, keeper, bus: new RequestBus(transport, { clock, gapMs }), onLost: [] };
    keeper.onChange((open) => {
      if (!open) for (const lost of line.onLost) lost();
    });
    this.byAddress.set(address, line);
    return line;
  }

  /** The Modbus master of the line at `address`: TCP framing for `tcp://`, else RTU with its silent gap. */
  modbus(address: string, baudRate: number, timeoutMs: number): ModbusClient {
    let client = this.modbusClients.get(address);
    if (!client) {
      const tcp = address.startsWith('tcp://');
      const line = this.line(address, baudRate, tcp ? 0 : modbusGapMs(baudRate));
      client = tcp ? createTcpMaster(line.bus, { timeoutMs }) : createRtuMaster(line.bus, { timeoutMs });
      this.modbusClients.set(address, client);
    }
    return client;
  }

  get lines(): Line[] {
    return [...this.byAddress.values()];
  }

  start(): void {
    for (const line of this.byAddress.values()) line.keeper.start();
  }

  async stop(): Promise<void> {
    for (const line of this.byAddress.values()) {
      line.bus.dispose();
      await line.keeper.stop();
    }
  }
}
