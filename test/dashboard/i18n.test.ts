// The dashboard's German and English strings stay in step: the same keys, the same {placeholders}, nothing
// empty; every literal key the pages ask for exists; and every name the contract can send (dock states, simulator
// faults, LED colours and patterns, history resolutions, attention kinds and health alert codes) has its words in
// both languages.

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SESSION_END_REASONS, WORK_KINDS } from '../../contract/battery-health.ts';
import {
  ATTENTION_KINDS,
  AUDIT_KINDS,
  AUDIT_OUTCOMES,
  AUDIT_VIAS,
  HEALTH_ALERT_CODES,
  HISTORY_RESOLUTIONS,
} from '../../contract/http-api.ts';
import { DOCK_STATES } from '../../contract/messages.ts';
import { BOOKING_STATES, REFUSAL_CODES, RESERVATION_STATES, RESTRICTION_KINDS } from '../../contract/rental-api.ts';
import { LED_COLOURS, LED_PATTERNS, SIM_FAULT_NAMES } from '../../contract/sim-api.ts';
import { DASHBOARD_DIR } from './fixture-server.ts';

// The dashboard is plain JavaScript checked by its own tsconfig; here it is loaded as a module of unknown type.
const I18N = '../../dashboard/i18n.js';
const { STRINGS } = (await import(I18N)) as { STRINGS: Record<'de' | 'en', Record<string, string>> };

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe('dashboard strings', () => {
  it('German and English have the same keys', () => {
    const de = Object.keys(STRINGS.de).sort();
    const en = Object.keys(STRINGS.en).sort();
    expect(
      de.filter((k) => !en.includes(k)),
      'German only',
    ).toEqual([]);
    expect(
      en.filter((k) => !de.includes(k)),
      'English only',
    ).toEqual([]);
    expect(de.length).toBeGreaterThan(100);
  });

  it('each key has the same placeholders in both languages, and no text is empty', () => {
    for (const [key, de] of Object.entries(STRINGS.de)) {
      const en = STRINGS.en[key] ?? '';
      expect(placeholders(en), key).toEqual(placeholders(de));
      expect(de.trim(), `de ${key}`).not.toBe('');
      expect(en.trim(), `en ${key}`).not.toBe('');
    }
  });

  it("every literal key in the dashboard's code exists", () => {
    const used = new Set<string>();
    for (const file of readdirSync(DASHBOARD_DIR).filter((f) => f.endsWith('.js'))) {
      const code = readFileSync(join(DASHBOARD_DIR, file), 'utf8');
      for (const m of code.matchAll(/\bt\('([\w.-]+)'/g)) used.add(m[1] ?? '');
    }
    expect(used.size).toBeGreaterThan(50);
    expect([...used].filter((k) => !(k in STRINGS.de) || !(k in STRINGS.en))).toEqual([]);
  });

  it('every name the API can send has its words', () => {
    const keys = [
      ...DOCK_STATES.map((s) => `state.${s}`),
      ...SIM_FAULT_NAMES.map((f) => `fault.${f}`),
      ...LED_COLOURS.map((c) => `color.${c}`),
      ...LED_PATTERNS.map((p) => `led.${p}`),
      ...HISTORY_RESOLUTIONS.map((r) => `history.res.${r}`),
      ...WORK_KINDS.map((k) => `work.kind.${k}`),
      ...SESSION_END_REASONS.map((r) => `bp.end.${r}`),
      ...AUDIT_OUTCOMES.map((o) => `audit.outcome.${o}`),
      ...AUDIT_VIAS.map((v) => `audit.via.${v}`),
      ...AUDIT_KINDS.map((k) => `audit.filter.${k}`),
      ...BOOKING_STATES.map((s) => `rental.state.${s}`),
      ...RESERVATION_STATES.map((s) => `rental.res.${s}`),
      ...REFUSAL_CODES.map((c) => `rental.refused.${c}`),
      ...RESTRICTION_KINDS.map((k) => `rental.kind.${k}`),
      ...ATTENTION_KINDS.map((k) => `attn.${k}`),
      ...HEALTH_ALERT_CODES.map((c) => `alert.${c}`),
    ];
    expect(keys.filter((k) => !(k in STRINGS.de) || !(k in STRINGS.en))).toEqual([]);
  });
});
