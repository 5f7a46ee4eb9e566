// Expiring set-points: every current the planner grants is valid for a few ticks only. The controller writes a
// set-point only when it changes, and a lease that runs out without renewal turns into 0 A / output off.

export interface Lease {
  voltageV: number;
  /** The set-point the charger holds (what was last written), A. */
  currentA: number;
  expiresAt: number;
}

export type GrantOutcome = 'new' | 'changed' | 'same';

export class SetpointLeases {
  private readonly leases = new Map<number, Lease>();

  /**
   * @param durationMs how long a grant stays valid without renewal (lease ticks x tick period)
   * @param stepA smallest increase worth writing, A: small rises wait (erring low keeps the budget), falls are
   *   written at once, so the held set-point never exceeds the latest grant
   */
  constructor(
    private readonly durationMs: number,
    private readonly stepA = 0.05,
  ) {}

  /** Grants or renews a set-point; says whether it must be written to the charger. */
  grant(dock: number, voltageV: number, currentA: number, now: number): GrantOutcome {
    const l = this.leases.get(dock);
    const expiresAt = now + this.durationMs;
    if (!l) {
      this.leases.set(dock, { voltageV, currentA, expiresAt });
      return 'new';
    }
    l.expiresAt = expiresAt;
    const rise = currentA - l.currentA;
    if (voltageV !== l.voltageV || rise < 0 || rise >= this.stepA) {
      const changed = voltageV !== l.voltageV || rise !== 0;
      l.voltageV = voltageV;
      l.currentA = currentA;
      return changed ? 'changed' : 'same';
    }
    return 'same';
  }

  /** Forgets a dock's set-point (its charger is off): the next grant is written afresh. */
  revoke(dock: number): void {
    this.leases.delete(dock);
  }

  get(dock: number): Lease | undefined {
    return this.leases.get(dock);
  }

  /** Removes and returns the docks whose lease has run out at `now`, in dock order. */
  expire(now: number): number[] {
    const out: number[] = [];
    for (const [dock, l] of this.leases) if (l.expiresAt <= now) out.push(dock);
    for (const d of out) this.leases.delete(d);
    return out.sort((a, b) => a - b);
  }
}
