// Short and long presses from raw edges: bounce collapses, a held button gives one long press and no short one.

import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../lib/manual-clock.ts';
import { ButtonGestures, type Gesture } from './button-gestures.ts';

function rig() {
  const clock = new ManualClock(0);
  const seen: Gesture[] = [];
  const g = new ButtonGestures(clock, (x) => seen.push(x), { debounceMs: 50, longMs: 1500 });
  return { clock, seen, g };
}

describe('ButtonGestures', () => {
  it('a clean press and release is one short press', () => {
    const { clock, seen, g } = rig();
    g.edge(true);
    clock.advance(200);
    g.edge(false);
    clock.advance(100);
    expect(seen).toEqual(['short']);
  });

  it('a bouncing contact gives one press, not several', () => {
    const { clock, seen, g } = rig();
    for (const [down, ms] of [
      [true, 3],
      [false, 5],
      [true, 2],
      [false, 10],
      [true, 300],
      [false, 4],
      [true, 6],
      [false, 100],
    ] as const) {
      g.edge(down);
      clock.advance(ms);
    }
    expect(seen).toEqual(['short']);
  });

  it('a held button is one long press however long it is held, and no short press on release', () => {
    const { clock, seen, g } = rig();
    g.edge(true);
    clock.advance(10_000);
    g.edge(false);
    clock.advance(100);
    expect(seen).toEqual(['long']);
  });

  it('rapid separate presses each count once', () => {
    const { clock, seen, g } = rig();
    for (let i = 0; i < 5; i++) {
      g.edge(true);
      clock.advance(80);
      g.edge(false);
      clock.advance(80);
    }
    expect(seen).toEqual(['short', 'short', 'short', 'short', 'short']);
  });
});
