import { Figures } from './figures';
import { INVARIANTS } from './invariants';
import { FailureReport, formatFailure, frameworkInUse, runHistories } from './runner';

// The short version of `npx projen soak`: a fixed seed, a few dozen histories, no Provider timeouts
// and no hung reads (each costs 12 s of wall time). Replay a failure with the MODEL_* variables it prints.
const SEED = Number(process.env.MODEL_SEED ?? 20260511);
const RUNS = Number(process.env.MODEL_RUNS ?? 40);
const MAX_COMMANDS = 6;
const SKIP = new Set((process.env.MODEL_SKIP_INVARIANTS ?? '').split(',').filter(Boolean));
const EXCLUDE = (process.env.MODEL_EXCLUDE ?? '').split(',').filter(Boolean);

function replayCommand(failure: FailureReport): string {
  return `MODEL_SEED=${failure.seed} MODEL_PATH='${failure.path}'${failure.replayPath ? ` MODEL_REPLAY='${failure.replayPath}'` : ''} npx jest test/model/lifecycle.model.test.ts`;
}

test('random CloudFormation histories keep every invariant of the model (short version)', async () => {
  const figures = new Figures();
  const started = Date.now();
  const replaying = process.env.MODEL_PATH !== undefined;
  const report = await runHistories({
    numRuns: RUNS,
    seed: SEED,
    path: process.env.MODEL_PATH,
    replayPath: process.env.MODEL_REPLAY,
    // A replay runs the (shrunk) history once.
    shrink: !replaying,
    maxCommands: MAX_COMMANDS,
    withTimeouts: false,
    skip: SKIP,
    exclude: EXCLUDE,
    figures,
    // Shrinking a failure runs many more histories: stop it in time to report the best one found.
    timeLimitMs: 4 * 60_000,
  });

  console.log(`model, short version (seed ${SEED}, ${frameworkInUse()}):\n${figures.render(Date.now() - started)}`);
  if (report.failure) throw new Error(formatFailure(report.failure, replayCommand));
  expect(figures.histories).toBe(replaying ? 1 : RUNS);
  for (const invariant of INVARIANTS.filter((name) => !SKIP.has(name))) {
    expect({ invariant, checked: (figures.counters.get(`check: ${invariant}`) ?? 0) > 0 }).toEqual({ invariant, checked: true });
  }
}, 5 * 60_000);
