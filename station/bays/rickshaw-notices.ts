// What the station screen says about the rickshaws in its bays, in plain German for trainees: the controller's own
// fault (known here at once) and the services the central side says are due ("Rikscha 3: Bremsen prüfen").
// Names and due services arrive by the `rickshaw-notice` command; until then a rickshaw shows by its id's tail.

import type { RickshawReading } from '../../contract/rickshaws.ts';

/** The controller fault in words a trainee can act on (VESC fault names, vesc-faults.ts). */
export function faultWords(fault: RickshawReading['fault']): string {
  const n = fault.name;
  if (n === 'OVER_TEMP_MOTOR') return 'Motor zu heiß';
  if (n === 'OVER_TEMP_FET') return 'Regler zu heiß';
  if (n === 'OVER_VOLTAGE') return 'Spannung zu hoch';
  if (n === 'UNDER_VOLTAGE' || n === 'MCU_UNDER_VOLTAGE') return 'Spannung zu niedrig';
  if (n === 'ABS_OVER_CURRENT' || n === 'UNBALANCED_CURRENTS') return 'Motorstrom prüfen';
  if (n.startsWith('ENCODER') || n.startsWith('RESOLVER')) return 'Motorsensor prüfen';
  if (n.startsWith('FLASH')) return 'Regler neu einrichten';
  return `Reglerfehler ${fault.code}`;
}

export interface CentralNotice {
  name: string | null;
  /** German words of each service that is due or overdue, e.g. "Bremsen prüfen". */
  tasks: string[];
}

export interface BayShown {
  bay: number;
  hwId: string;
  /** The registry name, or "Rikscha <last 4 of the id>" until the central side names it. */
  label: string;
  /** Plain-words lines, fault first; empty when nothing needs doing. */
  messages: string[];
  /** The controller reports a fault code (the first message names it). */
  fault: boolean;
}

export class RickshawNotices {
  private readonly inBay = new Map<number, string>();
  private readonly central = new Map<string, CentralNotice>();

  docked(bay: number, hwId: string | null): void {
    if (hwId === null) this.inBay.delete(bay);
    else this.inBay.set(bay, hwId);
  }

  /** The central side's word on a rickshaw; kept per hardware id, so it holds across visits. */
  setCentral(hwId: string, notice: CentralNotice): void {
    this.central.set(hwId.toLowerCase(), notice);
  }

  /** Each docked rickshaw with what to tell the trainee, by bay. */
  shown(readingOf: (bay: number) => RickshawReading | null): BayShown[] {
    const out: BayShown[] = [];
    for (const [bay, hwId] of [...this.inBay].sort((a, b) => a[0] - b[0])) {
      const c = this.central.get(hwId);
      const label = c?.name ?? `Rikscha ${hwId.slice(-4)}`;
      const reading = readingOf(bay);
      const fault = reading !== null && reading.fault.code !== 0;
      const messages = [...(fault ? [faultWords(reading.fault)] : []), ...(c?.tasks ?? [])];
      out.push({ bay, hwId, label, messages, fault });
    }
    return out;
  }
}
