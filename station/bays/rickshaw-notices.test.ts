import { describe, expect, it } from 'vitest';
import { displayPages } from '../display/station-display.ts';
import { faultWords, RickshawNotices } from './rickshaw-notices.ts';

const HW = '3a001b000f5131373634383a';
const reading = (code: number, name: string) => ({
  tachoKm: 1,
  controllerOdometerKm: null,
  tachometerAbs: 1,
  tempMotorC: 90,
  tempFetC: 40,
  inputV: 50,
  ampHours: 0,
  ampHoursCharged: 0,
  wattHours: 0,
  wattHoursCharged: 0,
  fault: { code, name },
});

describe('what the station screen says about docked rickshaws', () => {
  it('names controller faults in plain German', () => {
    expect(faultWords({ code: 6, name: 'OVER_TEMP_MOTOR' })).toBe('Motor zu heiß');
    expect(faultWords({ code: 2, name: 'UNDER_VOLTAGE' })).toBe('Spannung zu niedrig');
    expect(faultWords({ code: 99, name: 'UNKNOWN_99' })).toBe('Reglerfehler 99');
  });

  it('shows the fault first, then the services the central side says are due, under the registry name', () => {
    const n = new RickshawNotices();
    n.docked(2, HW);
    expect(n.shown(() => null)).toEqual([{ bay: 2, hwId: HW, label: 'Rikscha 383a', messages: [], fault: false }]);
    n.setCentral(HW, { name: 'Rikscha 3', tasks: ['Bremsen prüfen'] });
    const shown = n.shown(() => reading(6, 'OVER_TEMP_MOTOR'));
    expect(shown[0]?.messages).toEqual(['Motor zu heiß', 'Bremsen prüfen']);
    expect(shown[0]?.fault).toBe(true);
    const pages = displayPages({ docks: [], rickshaws: shown });
    expect(pages[0]).toEqual(['Rikscha 3:', 'Motor zu heiß', 'Bremsen prüfen']);
    n.docked(2, null);
    expect(n.shown(() => null)).toEqual([]);
  });
});
