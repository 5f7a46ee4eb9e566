// The `rikscha` command line: one binary with a subcommand per role (demo, station, broker, sim, check-config, doctor).
// Each role is imported when chosen, so `check-config` and `--help` start fast and load no broker or serial code.

import { Command, CommanderError } from 'commander';
import { checkConfig } from './check-config.ts';
import { UsageError } from './options.ts';

const program = new Command();
program
  .name('rikscha')
  .description(
    "Station controller for an e-rickshaw fleet: battery charging, safety interlocks, telemetry and a mechanics' dashboard.",
  )
  .showHelpAfterError()
  .exitOverride();

program
  .command('demo')
  .description(
    'Run everything in one process on simulated hardware: MQTT broker, central store, dashboard and station demo-1 with 4 docks.',
  )
  .option(
    '--mqtt-port <port>',
    'MQTT port of the embedded broker, 0 = pick a free one (env RIKSCHA_MQTT_PORT, default 1883)',
  )
  .option(
    '--http-port <port>',
    'HTTP port of API and dashboard, 0 = pick a free one (env RIKSCHA_HTTP_PORT, default 8080)',
  )
  .option('--data-dir <dir>', 'directory for the databases (env RIKSCHA_DATA_DIR, default ./data)')
  .option('--mqtt-url <url>', 'use this external broker (mqtt://host:port, e.g. Mosquitto) instead of the embedded one')
  .option(
    '--mqtt-user <user>',
    'with --mqtt-url: user the central ingester and the demo station log in as (default: the station id)',
  )
  .option('--mqtt-password <password>', 'with --mqtt-url: password for --mqtt-user')
  .option('--speed <factor>', 'simulated seconds per real second', '10')
  .action(async (opts: Record<string, string | undefined>) => {
    const { runDemo } = await import('./demo.ts');
    await runDemo(opts);
  });

program
  .command('station')
  .description('Run a station daemon against the devices named in its config file.')
  .requiredOption('--config <file>', 'station config (JSON); check it with `rikscha check-config`')
  .action(async (opts: { config: string }) => {
    const { runStation } = await import('./station-command.ts');
    await runStation(opts.config);
  });

const broker = program
  .command('broker')
  .description('Run the central side: MQTT broker with credentials and ACLs, central store, HTTP API and dashboard.')
  .option('--config <file>', 'broker config (JSON): dataDir, mqtt {host, port}, http {host, port}; defaults without it')
  .action(async (opts: { config?: string }) => {
    const { runBroker } = await import('./broker-command.ts');
    await runBroker(opts.config);
  });

const ADD_DESCRIPTIONS = {
  station: 'Create the MQTT credentials of a station (prints its password once).',
  viewer: 'Create a read-only MQTT user (prints its password once).',
  mechanic:
    'Create a mechanic: logs in to the dashboard to send commands to stations; read-only on MQTT (prints the password once).',
} as const;
for (const kind of ['station', 'viewer', 'mechanic'] as const) {
  broker
    .command(`add-${kind}`)
    .description(ADD_DESCRIPTIONS[kind])
    .argument(kind === 'station' ? '<stationId>' : '<user>')
    .option('--config <file>', 'broker config naming the data dir')
    .option('--data-dir <dir>', 'data dir of the central store (overrides the config)')
    .option('--reset', 'replace the password of a station that already has one')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      // `--config` is also an option of `broker` itself, so commander may file it there: read both levels.
      const opts = cmd.optsWithGlobals<{ config?: string; dataDir?: string; reset?: boolean }>();
      const { addCredentials } = await import('./broker-command.ts');
      addCredentials(kind, name, opts);
    });
}

broker
  .command('set-first-seq')
  .description(
    "Declare where a station's seq history starts, when its earlier seqs will never arrive (a new or restored central store): otherwise the ack waits for them and the station's outbox only fills.",
  )
  .argument('<stationId>')
  .argument('<seq>', 'the first seq the central store will have')
  .option('--config <file>', 'broker config naming the data dir')
  .option('--data-dir <dir>', 'data dir of the central store (overrides the config)')
  .action(async (stationId: string, seq: string, _opts: unknown, cmd: Command) => {
    const opts = cmd.optsWithGlobals<{ config?: string; dataDir?: string }>();
    const { setFirstSeq } = await import('./broker-command.ts');
    setFirstSeq(stationId, seq, opts);
  });

program
  .command('sim')
  .description(
    "Run a station's worth of simulated devices (BMS, Riden chargers, VESC) from a scenario file, each on a socat pty or a TCP port, playing its timeline.",
  )
  .requiredOption('--config <file>', 'scenario file (JSON), e.g. hardware/scenarios/normal-day.json')
  .option(
    '--control-port <port>',
    'serve the simulator control API (GET /api/sim, POST/DELETE /api/sim/faults, GET /api/sim/truth) here, 0 = pick a free port',
  )
  .option(
    '--ports <kind>',
    'pty (socat pseudo-terminals) or tcp (a TCP listener per line; chargers then speak Modbus TCP)',
    'pty',
  )
  .option('--pty-dir <dir>', 'directory for the pty links (default: a new one under the temp dir)')
  .option('--station-config <file>', 'write a station config pointing at these devices, for `rikscha station --config`')
  .option('--mqtt-url <url>', 'MQTT URL to put in that station config (default mqtt://127.0.0.1:1883)')
  .option('--pace', "pace device replies at each line's baud rate (for the bench)")
  .option(
    '--uno',
    "also run a simulated Arduino Uno with StandardFirmata as the station's I/O board (needs gcc and libsimavr-dev; up to 4 docks)",
  )
  .action(
    async (opts: {
      config: string;
      controlPort?: string;
      ports?: string;
      ptyDir?: string;
      stationConfig?: string;
      mqttUrl?: string;
      pace?: boolean;
      uno?: boolean;
    }) => {
      const { runSimCommand } = await import('./sim-command.ts');
      await runSimCommand(opts);
    },
  );

program
  .command('check-config')
  .description(
    'Validate a station config file, or a procedures file ({ "procedures": [...] }): exit 0 when valid, 2 with every ' +
      'problem and its field path when not.',
  )
  .argument('<file>', 'station config or procedures file (JSON)')
  .action((file: string) => {
    process.exitCode = checkConfig(file);
  });

program
  .command('doctor')
  .description(
    'Check a station set-up: config, serial ports, each device, the broker login, disk, clock, systemd. ' +
      'Exit 0 when nothing failed, 1 otherwise.',
  )
  .requiredOption('--config <file>', 'station config (JSON)')
  .action(async (opts: { config: string }) => {
    const { formatReport, runDoctor } = await import('../station/doctor/doctor.ts');
    const report = await runDoctor(opts.config);
    process.stdout.write(formatReport(report));
    process.exitCode = report.failed ? 1 : 0;
  });

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : 2;
  } else if (err instanceof UsageError) {
    process.stderr.write(`rikscha: ${err.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`rikscha: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  }
}
