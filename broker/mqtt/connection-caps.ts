// Caps on open MQTT connections (TCP and WebSocket together): in total and per remote address, so one host
// cannot take every socket the process may open. Counted from accept to close, logged in or not.

export type CapVerdict = 'ok' | 'total' | 'per_address';

export class ConnectionCaps {
  private readonly byAddress = new Map<string, number>();
  private total = 0;

  constructor(
    readonly maxTotal: number,
    readonly maxPerAddress: number,
  ) {}

  /** Takes a slot for a new connection from `address`, or says which cap refuses it. */
  admit(address: string): CapVerdict {
    if (this.total >= this.maxTotal) return 'total';
    const n = this.byAddress.get(address) ?? 0;
    if (n >= this.maxPerAddress) return 'per_address';
    this.byAddress.set(address, n + 1);
    this.total += 1;
    return 'ok';
  }

  /** Gives back the slot of a closed connection (once per admitted one). */
  release(address: string): void {
    const n = this.byAddress.get(address) ?? 0;
    if (n <= 1) this.byAddress.delete(address);
    else this.byAddress.set(address, n - 1);
    if (n > 0) this.total -= 1;
  }

  get open(): number {
    return this.total;
  }

  get addresses(): number {
    return this.byAddress.size;
  }
}
