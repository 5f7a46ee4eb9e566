// The rental desk's tables in the central store (schema v4): bookable timeframes, restrictions, bookings, what went
// out and came back, the packs a station saw leave their docks, and the problem reports that become mechanics' tasks.
// Items are the registry's rickshaws (hw id) and the packs (battery id); locations are the stations.

export const RENTAL_SCHEMA_SQL = `
-- An item may be booked at a station only inside one of its timeframes (to_ts NULL: open-ended).
CREATE TABLE IF NOT EXISTS rental_timeframes (
  id INTEGER PRIMARY KEY,
  item_id TEXT NOT NULL,
  station_id TEXT NOT NULL,
  from_ts INTEGER NOT NULL,
  to_ts INTEGER,
  by_user TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS rental_timeframes_by_item ON rental_timeframes (item_id, from_ts);

-- kind: notice (shown with bookings) or breakdown (the item cannot be booked or taken; overlapping bookings cancelled).
CREATE TABLE IF NOT EXISTS rental_restrictions (
  id INTEGER PRIMARY KEY,
  item_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('notice', 'breakdown')),
  from_ts INTEGER NOT NULL,
  to_ts INTEGER,
  text TEXT NOT NULL,
  by_user TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  lifted_at INTEGER
);
CREATE INDEX IF NOT EXISTS rental_restrictions_by_item ON rental_restrictions (item_id, from_ts);

-- reservation: how far the station's planner got with the packs (add-booking): pending | reserved | refused | removed.
CREATE TABLE IF NOT EXISTS rental_bookings (
  id TEXT PRIMARY KEY,
  rickshaw_id TEXT NOT NULL,
  station_id TEXT NOT NULL,
  pickup_at INTEGER NOT NULL,
  return_at INTEGER NOT NULL,
  packs INTEGER NOT NULL,
  min_soc_pct REAL NOT NULL,
  contact TEXT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  desk_user TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('booked', 'out', 'returned', 'cancelled')),
  created_at INTEGER NOT NULL,
  cancelled_at INTEGER,
  cancel_reason TEXT,
  reservation TEXT NOT NULL DEFAULT 'pending',
  reservation_error TEXT,
  reserved_docks TEXT NOT NULL DEFAULT '[]',
  out_at INTEGER,
  out_by TEXT,
  odometer_out_km REAL,
  back_at INTEGER,
  back_by TEXT,
  odometer_back_km REAL,
  problem_id INTEGER
);
CREATE INDEX IF NOT EXISTS rental_bookings_by_rickshaw ON rental_bookings (rickshaw_id, pickup_at);
CREATE INDEX IF NOT EXISTS rental_bookings_by_time ON rental_bookings (pickup_at);

-- The packs a booking took (desk check-out); back_at NULL while the pack is out.
CREATE TABLE IF NOT EXISTS rental_packs_out (
  booking_id TEXT NOT NULL REFERENCES rental_bookings(id),
  pack_id TEXT NOT NULL,
  station_id TEXT,
  dock INTEGER,
  soc_out_pct REAL,
  soc_back_pct REAL,
  back_at INTEGER,
  PRIMARY KEY (booking_id, pack_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS rental_packs_out_open ON rental_packs_out (pack_id, back_at);

-- A reserved dock a station's telemetry showed empty while its booking was open: the reading's time, not a guess.
CREATE TABLE IF NOT EXISTS rental_station_takes (
  booking_id TEXT NOT NULL REFERENCES rental_bookings(id),
  station_id TEXT NOT NULL,
  dock INTEGER NOT NULL,
  pack_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (booking_id, dock)
) WITHOUT ROWID;

-- A pack the station confirmed leaving a dock reserved for the booking (its 'booking-pack-out' event): the time its
-- reading first showed the dock empty, the pack's last SoC there, and who confirmed it (a long press, or the reading).
CREATE TABLE IF NOT EXISTS rental_station_checkouts (
  booking_id TEXT NOT NULL REFERENCES rental_bookings(id),
  pack_id TEXT NOT NULL,
  station_id TEXT NOT NULL,
  dock INTEGER NOT NULL,
  soc_out_pct REAL,
  taken_at INTEGER NOT NULL,
  confirmed_at INTEGER NOT NULL,
  confirmed_by TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (booking_id, pack_id)
) WITHOUT ROWID;

-- How far a reader of the messages table got (its rowid), so a restart neither skips nor repeats events.
CREATE TABLE IF NOT EXISTS rental_cursor (name TEXT PRIMARY KEY, pos INTEGER NOT NULL);

-- Where the station watch starts reading a booking's station (its highest seq when booked), and the seq of the
-- station's event that named the reserved docks: a dock empty in a later reading means the pack was taken.
CREATE TABLE IF NOT EXISTS rental_watch (
  booking_id TEXT PRIMARY KEY REFERENCES rental_bookings(id),
  seq_base INTEGER NOT NULL,
  reserved_seq INTEGER
);

-- Whom a breakdown's cancellation concerns: the booking's contact and the desk user who booked it.
CREATE TABLE IF NOT EXISTS rental_concerns (
  restriction_id INTEGER NOT NULL REFERENCES rental_restrictions(id),
  booking_id TEXT NOT NULL REFERENCES rental_bookings(id),
  contact TEXT NOT NULL,
  desk_user TEXT NOT NULL,
  PRIMARY KEY (restriction_id, booking_id)
) WITHOUT ROWID;

-- A damage or problem reported on return: an open task for the mechanics until one closes it.
CREATE TABLE IF NOT EXISTS rental_problems (
  id INTEGER PRIMARY KEY,
  booking_id TEXT REFERENCES rental_bookings(id),
  item_id TEXT NOT NULL,
  text TEXT NOT NULL,
  reported_by TEXT NOT NULL,
  reported_at INTEGER NOT NULL,
  closed_at INTEGER,
  closed_by TEXT,
  close_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS rental_problems_open ON rental_problems (closed_at, reported_at);
`;
