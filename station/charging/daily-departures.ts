// Departures the config fixes at a time of day per dock: each is armed at its next occurrence, and armed again
// once it has passed, so the planner always knows when each of these rickshaws leaves next.

export interface DailyDeparture {
  dock: number;
  /** Local time of day, HH:MM. */
  at: string;
}

/** Next time (epoch ms) the local clock shows `hhmm`, given the station's offset from UTC. */
function nextDailyTime(now: number, hhmm: string, utcOffsetMin: number): number {
  const [hours = 0, minutes = 0] = hhmm.split(':').map(Number);
  const day = 86_400_000;
  const localNow = now + utcOffsetMin * 60_000;
  const localMidnight = Math.floor(localNow / day) * day;
  let next = localMidnight + (hours * 60 + minutes) * 60_000 - utcOffsetMin * 60_000;
  if (next <= now) next += day;
  return next;
}

export class DailyDepartures {
  private readonly armed = new Map<number, number>();

  constructor(
    private readonly departures: readonly DailyDeparture[],
    private readonly utcOffsetMin: number,
    private readonly setDeparture: (dock: number, at: number) => void,
  ) {}

  /** Arms every departure not already armed in the future; call at start and on every telemetry period. */
  arm(now: number): void {
    for (const departure of this.departures) {
      const at = this.armed.get(departure.dock);
      if (at !== undefined && at > now) continue;
      const next = nextDailyTime(now, departure.at, this.utcOffsetMin);
      this.armed.set(departure.dock, next);
      this.setDeparture(departure.dock, next);
    }
  }
}
