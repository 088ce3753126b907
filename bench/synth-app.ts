// The app that `cdk synth` would run, for the end-to-end synth time: compiled to JavaScript once per bench
// run (see compileSynthApp in synth-time.ts) and run in a fresh `node` process per measurement, as the CDK
// CLI runs an app: node <app> loads the modules, builds the app, synthesizes it and exits.
//
//   node synth-app.js <variant> <trackers> <outdir>
//
// Prints one line of JSON (SynthAppTimes) to stdout; the parent times the whole process.
import { Module } from 'module';

/** In milliseconds, read by the parent. */
export interface SynthAppTimes {
  /** When this file's code began to run, from the process's time origin: Node's start-up. */
  readonly startedMs: number;
  /** Time spent inside require(), including the lazy loads while building (aws-cdk-lib loads a class on first use). */
  readonly requireMs: number;
  /** When app.synth() returned, from the process's time origin. */
  readonly endedMs: number;
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

const [variant, trackers, outdir] = process.argv.slice(2);
// Loaded here, not imported at the top, so that the timer above is in place first.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { buildApp, isVariant } = require('./variants') as typeof import('./variants');
if (!isVariant(variant) || !/^\d+$/.test(trackers ?? '') || !outdir) {
  throw new Error(`usage: node synth-app.js <variant> <trackers> <outdir>, got: ${process.argv.slice(2).join(' ')}`);
}
buildApp(variant, Number(trackers), outdir).synth();
const times: SynthAppTimes = { startedMs, requireMs, endedMs: performance.now() };
process.stdout.write(`${JSON.stringify(times)}\n`);
