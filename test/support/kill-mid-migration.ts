// A station database migration killed midway: opens DIR/ID.sqlite with the station's migrations plus a step that
// writes a lot (so pages spill into the WAL) and then SIGKILLs its own process before the transaction can commit.
//
//   node --import tsx test/support/kill-mid-migration.ts DIR ID

import { openStationDb } from '../../station/store/station-db.ts';
import { STATION_MIGRATIONS } from '../../station/store/station-schema.ts';

const [dir, id] = process.argv.slice(2);
if (!dir || !id) throw new Error('usage: kill-mid-migration.ts DIR ID');

openStationDb(dir, id, [
  ...STATION_MIGRATIONS,
  {
    version: STATION_MIGRATIONS.length + 1,
    what: 'a step that never finishes',
    up: (db) => {
      db.exec('CREATE TABLE doomed (n INTEGER, pad BLOB)');
      db.exec('DELETE FROM outbox');
      const put = db.prepare('INSERT INTO doomed VALUES (?, zeroblob(4096))');
      for (let n = 0; n < 5000; n++) put.run(n);
      process.stdout.write('midway\n');
      process.kill(process.pid, 'SIGKILL');
    },
  },
]);
