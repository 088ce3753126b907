// The app that `cdk synth` runs, for the synth time: compiled to JavaScript once per bench run (see
// compileSynthApp in synth-time.ts) and run in a fresh `node` process per measurement, either directly, as
// the CDK CLI runs an app (node <app> loads the modules, builds the app, synthesizes it and exits), or under
// the real CLI:
//
//   node synth-app.js <variant> <trackers> <outdir>
//   cdk synth --app "node synth-app.js <variant> <trackers>" --output <outdir> --no-notices --quiet
//
// Under the CLI, the app writes where the CLI tells it (CDK_OUTDIR, which the CLI sets for the app and then
// reads); without it, into <outdir>. Writes one line of JSON (SynthAppTimes) to the file named by
// BENCH_SYNTH_APP_TIMES if set (the CLI would mix the app's stdout into its own output), else to stdout;
// the parent times the whole process.
import { writeFileSync } from 'fs';
import { Module } from 'module';

/** In milliseconds, read by the parent. */
export interface SynthAppTimes {
  /** When this file's code began to run, from the process's time origin: Node's start-up. */
  readonly startedMs: number;
  /** Time spent inside require(), including the lazy loads while building (aws-cdk-lib loads a class on first use). */
  readonly requireMs: number;
  /** When app.synth() returned, from the process's time origin. */
  readonly endedMs: number;
  /** The process's time origin (performance.timeOrigin, ms since the epoch), to place the app's run inside the CLI's. */
  readonly originEpochMs: number;
}

const startedMs = performance.now();

// Counts the time spent in the outermost require() calls, including the lazy ones made while building.
type Load = (...args: unknown[]) => unknown;
const loader = Module as unknown as { _load: Load };
const load = loader._load;
let requireMs = 0;
let depth = 0;
loader._load = function timedLoad(this: unknown, ...args: unknown[]) {
  const start = depth === 0 ? performance.now() : 0;
  depth++;
  try {
    return load.apply(this, args);
  } finally {
    depth--;
    if (depth === 0) requireMs += performance.now() - start;
  }
};

const [variant, trackers, outdirArg] = process.argv.slice(2);
// The CLI sets CDK_OUTDIR for the app, and reads the cloud assembly from there.
const outdir = process.env.CDK_OUTDIR || outdirArg;
// Loaded here, not imported at the top, so that the timer above is in place first.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildApp, isVariant } = require('./variants') as typeof import('./variants');
if (!isVariant(variant) || !/^\d+$/.test(trackers ?? '') || !outdir) {
  throw new Error(`usage: node synth-app.js <variant> <trackers> <outdir> (or CDK_OUTDIR set), got: ${process.argv.slice(2).join(' ')}`);
}
buildApp(variant, Number(trackers), outdir).synth();
const times: SynthAppTimes = { startedMs, requireMs, endedMs: performance.now(), originEpochMs: performance.timeOrigin };
// BENCH_SYNTH_APP_TIMES: set by compileSynthApp's CLI runs (synth-time.ts).
const timesFile = process.env.BENCH_SYNTH_APP_TIMES;
if (timesFile) writeFileSync(timesFile, `${JSON.stringify(times)}\n`);
else process.stdout.write(`${JSON.stringify(times)}\n`);
