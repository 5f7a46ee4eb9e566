// A guided procedure walked through on the virtual I/O board against the real charging core: reached from the page
// button, a trainee number picked, steps that wait for what the station sees (charger off, dock empty, pack in),
// steps confirmed by a long press that neither a held button nor a bouncing one can skip, and a fault that stops it.

import { describe, expect, it, vi } from 'vitest';
import { Rig, simDock, view } from '../charging/charging-test-kit.ts';
import { DEFAULT_PROCEDURES } from '../procedures/default-procedures.ts';
import { procedureListSchema } from '../procedures/procedure-config.ts';
import { ACK_PIN, closeBoardsAfterEach, openTestBoard } from './panel-test-kit.ts';

closeBoardsAfterEach();

async function station(rig: Rig) {
  const s = await openTestBoard(rig, {
    procedures: procedureListSchema.parse(DEFAULT_PROCEDURES),
    traineeNumbers: 12,
  });
  const { v, clock, tick } = s;
  /** A contact that bounces: made and broken within a few ms, `times` over. */
  const bounce = async (times: number) => {
    for (let i = 0; i < times; i++) {
      for (const down of [true, false]) {
        if (down) v.press(ACK_PIN);
        else v.release(ACK_PIN);
        await vi.advanceTimersByTimeAsync(3);
        clock.advance(3);
      }
    }
    await tick();
  };
  return { ...s, bounce };
}

describe('guided procedures at the station', () => {
  it('cleans the contacts step by step: conditions the station sees, long presses, no skipped step', async () => {
    const rig = new Rig([simDock(1)]);
    rig.run(30);
    expect(rig.dock(1).out.on).toBe(true);
    const s = await station(rig);
    await s.tick();
    // One page of docks: the page button's next page is the tasks page; a long press lists the procedures.
    await s.press(200);
    expect(s.screen()).toEqual(['AUFGABEN', 'Aufgabe starten', 'Kurz: zurück', 'Lang: auswählen']);
    await s.press(2000);
    expect(s.screen()).toEqual(['AUFGABEN 1/4', 'Akku tauschen', 'Kurz: weiter', 'Lang: auswählen']);
    await s.press(200);
    expect(s.screen()[1]).toBe('Kontakte putzen');
    await s.press(2000);
    // One dock: no dock to pick. The trainee's number, by short presses.
    expect(s.screen()).toEqual(['Deine Nummer?', 'Ohne Nummer', 'Kurz: weiter', 'Lang: auswählen']);
    for (let i = 0; i < 7; i++) await s.press(150);
    expect(s.screen()[1]).toBe('7');
    await s.press(2000);
    expect(s.events.at(-1)).toMatchObject({
      type: 'procedure-started',
      dock: 1,
      data: { procedureId: 'clean-contacts', trainee: 7, steps: 5 },
    });
    expect(s.screen()).toEqual(['Schritt 1/5 Dock 1', 'Der Lader geht aus.', 'Bitte warten.', 'Warten ...']);
    // The dock went into maintenance: charger off, seen for a second, and the step moves on by itself.
    expect(rig.dock(1).out.on).toBe(false);
    expect(view(rig.log.at(-1) ?? rig.step(), 1).state).toBe('maintenance');
    await s.ticks(12);
    expect(s.screen()).toEqual(['Schritt 2/5 Dock 1', 'Akku herausnehmen.', '', 'Warten ...']);
    // A long press cannot confirm a step that waits for the station.
    await s.press(2000);
    expect(s.screen()[0]).toBe('Schritt 2/5 Dock 1');
    // The pack comes out.
    rig.dock(1).batteryId = null;
    await s.ticks(12);
    expect(s.screen()).toEqual(['Schritt 3/5 Dock 1', 'Kontakte ansehen.', 'Sind sie schwarz?', 'Fertig: Taste lang']);
    // A finger resting on the button for ten seconds confirms one step, not two.
    await s.press(10_000);
    expect(s.screen()[0]).toBe('Schritt 4/5 Dock 1');
    // A bouncing contact, then a proper long press: again exactly one step.
    await s.bounce(6);
    expect(s.screen()[0]).toBe('Schritt 4/5 Dock 1');
    await s.press(2000);
    expect(s.screen()).toEqual(['Schritt 5/5 Dock 1', 'Akku wieder', 'einsetzen.', 'Warten ...']);
    // The pack goes back in: done, and the dock back in service.
    rig.dock(1).batteryId = 'pack-1';
    await s.ticks(12);
    expect(s.screen()).toEqual(['Aufgabe fertig.', 'Kontakte putzen', 'Danke!', '']);
    const steps = s.events.filter((e) => e.type === 'procedure-step').map((e) => [e.data.stepId, e.data.by]);
    expect(steps).toEqual([
      ['charger-off', 'condition'],
      ['pack-out', 'condition'],
      ['look', 'button'],
      ['clean', 'button'],
      ['pack-in', 'condition'],
    ]);
    expect(s.events.at(-1)).toMatchObject({
      type: 'procedure-ended',
      data: { outcome: 'done', reason: 'done', stepsDone: 5, trainee: 7, chargerHeldOff: false },
    });
    await s.ticks(40);
    expect(view(rig.log.at(-1) ?? rig.step(), 1).state).not.toBe('maintenance');
    expect(rig.dock(1).out.on).toBe(true);
  });

  it('stops safely when a fault comes up: the charger stays off and the screen says so', async () => {
    const rig = new Rig([simDock(1)]);
    rig.run(30);
    const s = await station(rig);
    await s.tick();
    await s.press(200);
    await s.press(2000);
    await s.press(2000); // swap-pack
    await s.press(2000); // no number
    expect(s.events.at(-1)).toMatchObject({ type: 'procedure-started', data: { trainee: null } });
    await s.ticks(12);
    expect(s.screen()[0]).toBe('Schritt 2/4 Dock 1');
    // The charger's relay sticks and it switches itself on: charger-not-off, serious.
    rig.dock(1).stuckRelay = true;
    rig.dock(1).out.on = true;
    await s.ticks(60);
    expect(s.events.at(-1)).toMatchObject({
      type: 'procedure-ended',
      data: { outcome: 'aborted', reason: 'fault', stepsDone: 1, chargerHeldOff: true },
    });
    expect(s.screen()).toEqual(['Aufgabe gestoppt.', 'Störung am Dock.', 'Lader bleibt aus.', '']);
    // The relay is mended: the dock stays in maintenance, nothing switches the charger on again.
    rig.dock(1).stuckRelay = false;
    await s.ticks(60);
    expect(rig.dock(1).out.on).toBe(false);
    expect(view(rig.log.at(-1) ?? rig.step(), 1).state).toBe('maintenance');
  });

  it('a short press asks before stopping; a long press then stops it', async () => {
    const rig = new Rig([simDock(1), simDock(2)]);
    rig.run(30);
    const s = await station(rig);
    await s.tick();
    await s.press(200);
    await s.press(2000);
    await s.press(2000); // swap-pack: two docks, so which one?
    expect(s.screen()).toEqual(['Welches Dock?', 'Dock 1: lädt', 'Kurz: weiter', 'Lang: auswählen']);
    await s.press(200);
    expect(s.screen()[1]).toBe('Dock 2: lädt');
    await s.press(2000);
    await s.press(2000);
    expect(s.screen()[0]).toBe('Schritt 1/4 Dock 2');
    await s.press(200);
    expect(s.screen()).toEqual(['Aufgabe abbrechen?', '', 'Kurz: zurück', 'Lang: abbrechen']);
    await s.press(200);
    expect(s.screen()[0]).toBe('Schritt 1/4 Dock 2');
    await s.press(200);
    await s.press(2000);
    expect(s.events.at(-1)).toMatchObject({
      type: 'procedure-ended',
      dock: 2,
      data: { outcome: 'aborted', reason: 'stopped', procedureId: 'swap-pack' },
    });
    expect(s.screen().slice(0, 3)).toEqual(['Aufgabe gestoppt.', 'Akku tauschen', 'Lader bleibt aus.']);
  });
});
