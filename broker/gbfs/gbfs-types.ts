// The GBFS v3.0 files this broker publishes, as TypeScript shapes (the fields we fill). The official JSON schemas
// (vendored under test/gbfs/schemas/) are what every built file is checked against in the tests.

export type LocalizedText = Array<{ text: string; language: string }>;

export interface GbfsFile<D> {
  last_updated: string;
  ttl: number;
  version: '3.0';
  data: D;
}

export const GBFS_FILES = [
  'system_information',
  'vehicle_types',
  'station_information',
  'station_status',
  'vehicle_status',
] as const;
export type GbfsFileName = (typeof GBFS_FILES)[number] | 'gbfs';

export interface Discovery {
  feeds: Array<{ name: GbfsFileName; url: string }>;
}

export interface SystemInformation {
  system_id: string;
  languages: string[];
  name: LocalizedText;
  operator?: LocalizedText;
  url?: string;
  opening_hours: string;
  feed_contact_email: string;
  timezone: string;
  license_id: string;
}

export interface VehicleType {
  vehicle_type_id: string;
  form_factor: 'cargo_bicycle' | 'other';
  propulsion_type: 'electric_assist';
  rider_capacity: number;
  max_range_meters: number;
  name: LocalizedText;
  return_constraint: 'any_station';
}

export interface StationInformation {
  station_id: string;
  name: LocalizedText;
  lat: number;
  lon: number;
  address?: string;
  capacity: number;
  is_charging_station: boolean;
}

export interface StationStatus {
  station_id: string;
  num_vehicles_available: number;
  vehicle_types_available: Array<{ vehicle_type_id: string; count: number }>;
  num_vehicles_disabled: number;
  num_docks_available: number;
  is_installed: boolean;
  is_renting: boolean;
  is_returning: boolean;
  last_reported: string;
}

export interface VehicleStatus {
  vehicle_id: string;
  station_id: string;
  vehicle_type_id: string;
  is_reserved: boolean;
  is_disabled: boolean;
  last_reported: string;
  current_range_meters: number;
  current_fuel_percent: number;
}

/** RFC 3339 to the second, as the GBFS examples write it. */
export function rfc3339(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
