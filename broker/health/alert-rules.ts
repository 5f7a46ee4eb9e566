// The battery-health alert rules as pure judgements: from a pack's estimates and sessions (state of health,
// resistance rise, a drifting cell, repeated heat), its last sighting (missing) and a station's last message.
// Each says in plain words why and what to do, and how it recovered.

import type { BatteryEstimates, ChargeSession } from '../../contract/battery-health.ts';
import type { AlertConfig } from './alert-config.ts';
import type { Judgement } from './alert-store.ts';

const DAY_MS = 86_400_000;
const f1 = (x: number): string => x.toFixed(1);

/** Below `trigger` raises, at or above `clear` recovers (for falling figures like state of health). */
function below(value: number | null, t: { trigger: number; clear: number }, raise: () => Judgement, recovery: string) {
  if (value === null) return { state: 'unknown' } as const;
  if (value < t.trigger) return raise();
  if (value >= t.clear) return { state: 'clear', value, recovery } as const;
  return { state: 'between', value } as const;
}

/** Above `trigger` raises, at or below `clear` recovers (for rising figures). */
function above(value: number | null, t: { trigger: number; clear: number }, raise: () => Judgement, recovery: string) {
  if (value === null) return { state: 'unknown' } as const;
  if (value > t.trigger) return raise();
  if (value <= t.clear) return { state: 'clear', value, recovery } as const;
  return { state: 'between', value } as const;
}

export function batteryJudgements(
  e: BatteryEstimates,
  sessions: readonly ChargeSession[],
  cfg: AlertConfig,
  now: number,
): Record<string, Judgement> {
  const soh = e.stateOfHealth.value;
  const r = e.internalResistance.value;
  const first = e.internalResistance.first;
  const rise = r !== null && first !== null && first > 0 && e.sessions >= 2 ? (100 * (r - first)) / first : null;
  const full = sessions.filter((s) => s.endReason === 'full' && s.imbalance.endOfChargeMv !== null);
  const lastFull = full.slice(-cfg.cellDriftCharges);
  const drifting =
    lastFull.length >= cfg.cellDriftCharges &&
    lastFull.every((s) => (s.imbalance.endOfChargeMv ?? 0) > cfg.cellDriftMv.trigger);
  const latestSpread = full[full.length - 1]?.imbalance.endOfChargeMv ?? null;
  const highCell = full[full.length - 1]?.imbalance.highCell ?? null;
  const hot = sessions.filter((s) => s.endedAt >= now - cfg.hotWindowDays * DAY_MS && s.temperature.aboveHotS > 0);
  const hotLimit = sessions[sessions.length - 1]?.temperature.hotLimitC ?? 45;
  return {
    'soh-replace': below(
      soh,
      cfg.sohReplacePct,
      () => ({
        state: 'triggered',
        value: soh ?? 0,
        severity: 'warning',
        message: `State of health is ${f1(soh ?? 0)} %, below ${cfg.sohReplacePct.trigger} %: the pack holds noticeably less charge than new.`,
        action: 'Plan a replacement pack; keep this one on short routes meanwhile.',
      }),
      `State of health is ${f1(soh ?? 0)} % again (${cfg.sohReplacePct.clear} % or more): no replacement needed for now.`,
    ),
    'soh-retire': below(
      soh,
      cfg.sohRetirePct,
      () => ({
        state: 'triggered',
        value: soh ?? 0,
        severity: 'fault',
        message: `State of health is ${f1(soh ?? 0)} %, below ${cfg.sohRetirePct.trigger} %: the pack is worn out.`,
        action: 'Retire the pack: take it out of service and record it as retired.',
      }),
      `State of health is ${f1(soh ?? 0)} % again (${cfg.sohRetirePct.clear} % or more): retiring is no longer needed.`,
    ),
    'resistance-rise': above(
      rise,
      cfg.resistanceRisePct,
      () => ({
        state: 'triggered',
        value: rise ?? 0,
        severity: 'warning',
        message: `Internal resistance is ${f1(rise ?? 0)} % above its first measurement (${f1(first ?? 0)} → ${f1(r ?? 0)} mΩ): the pack heats more and sags under load.`,
        action:
          'Check the connectors and cables for a loose or corroded contact; if they are fine, plan a replacement.',
      }),
      `Internal resistance is back to ${f1(rise ?? 0)} % above its first measurement (${cfg.resistanceRisePct.clear} % or less).`,
    ),
    'cell-drift':
      latestSpread === null
        ? { state: 'unknown' }
        : drifting
          ? {
              state: 'triggered',
              value: latestSpread,
              severity: 'warning',
              message: `Cell ${highCell ?? '?'} keeps drifting: the cells differ by more than ${cfg.cellDriftMv.trigger} mV at the end of the last ${cfg.cellDriftCharges} full charges (now ${f1(latestSpread)} mV).`,
              action: `Rebalance the pack; if cell ${highCell ?? '?'} drifts again, have that cell checked.`,
            }
          : latestSpread <= cfg.cellDriftMv.clear
            ? {
                state: 'clear',
                value: latestSpread,
                recovery: `The cells agree again at the end of charge (${f1(latestSpread)} mV apart).`,
              }
            : { state: 'between', value: latestSpread },
    'over-temperature': above(
      sessions.length ? hot.length : null,
      cfg.hotSessions,
      () => ({
        state: 'triggered',
        value: hot.length,
        severity: 'warning',
        message: `The pack was above ${hotLimit} °C in ${hot.length} charge sessions within ${cfg.hotWindowDays} days.`,
        action: 'Find out why it runs hot (sun, a blocked vent, a weak cell); charge it in the shade.',
      }),
      `No charge session above ${hotLimit} °C within ${cfg.hotWindowDays} days.`,
    ),
  };
}

/** A pack not seen at any station for `missingDays`; `retired` packs are never missing. */
export function missingJudgement(lastSeen: number, now: number, cfg: AlertConfig, where: string): Judgement {
  const days = (now - lastSeen) / DAY_MS;
  if (days > cfg.missingDays)
    return {
      state: 'triggered',
      value: days,
      severity: 'warning',
      message: `The pack has not been seen at any station for ${f1(days)} days (last at ${where}).`,
      action: 'Find the pack: ask the drivers who took it out, check the rickshaws and the workshop.',
    };
  return { state: 'clear', value: days, recovery: `The pack is back: seen at ${where}.` };
}

export function stationSilentJudgement(lastSeen: number | null, now: number, cfg: AlertConfig): Judgement {
  if (lastSeen === null) return { state: 'unknown' };
  const min = (now - lastSeen) / 60_000;
  if (min > cfg.stationSilentMin)
    return {
      state: 'triggered',
      value: min,
      severity: 'fault',
      message: `No data from the station for ${Math.round(min)} minutes.`,
      action: "Check the station's power and network; its chargers stay off while it cannot be reached.",
    };
  return { state: 'clear', value: min, recovery: 'The station sends data again.' };
}
