import { appendFileSync } from 'fs';
import * as fc from 'fast-check';
import { commandArbitraries, historyConfig, historyStart } from './arbitraries';
import { Figures, HistoryStats } from './figures';
import { checkInvariants } from './invariants';
import { initialModel, Model } from './model';
import { HistoryConfig, World } from './world';
import { frameworkNamesWaiterExecutions, loadFramework } from '../driver';

export interface RunOptions {
  readonly numRuns: number;
  readonly seed: number;
  /** With `path` (and `replayPath`), fast-check replays one history (and shrinks on from it). */
  readonly path?: string;
  readonly replayPath?: string;
  readonly maxCommands: number;
  /** The Provider's total timeout and a hung read cost 12 s of wall time each: the short version leaves them out. */
  readonly withTimeouts: boolean;
  readonly skip: ReadonlySet<string>;
  /** Modifier kinds never drawn. */
  readonly exclude?: readonly string[];
  /** Stops starting new histories (and shrinking) after this long. */
  readonly timeLimitMs?: number;
  /** Shrink a failure (default true); without, the failing history is reported as drawn. */
  readonly shrink?: boolean;
  readonly figures: Figures;
  /** Called after every history (not after shrink runs). */
  readonly onHistory?: () => void;
}

export interface FailureReport {
  readonly seed: number;
  readonly path: string;
  readonly replayPath?: string;
  readonly violation: string;
  readonly config: HistoryConfig;
  readonly transcript: readonly string[];
  readonly historiesBeforeFailure: number;
  readonly shrinks: number;
  readonly shrunk: boolean;
  /** Why it was not shrunk, when it was not. */
  readonly notShrunk?: string;
  readonly interrupted: boolean;
  /** The aws-cdk-lib whose Provider framework ran the history. */
  readonly framework: string;
}

export interface RunReport {
  readonly failure?: FailureReport;
  /** Stopped by the time limit before numRuns histories. */
  readonly interrupted: boolean;
  /** Histories run (shrink runs aside), the failing one included. */
  readonly histories: number;
}

/** The Provider framework the driver runs in this process, in words. */
export function frameworkInUse(): string {
  return `aws-cdk-lib ${loadFramework().version} (${frameworkNamesWaiterExecutions() ? 'one waiter per RequestId' : 'a waiter per delivery'})`;
}

/** Runs `numRuns` random histories as one fast-check property; on failure, shrinks and reports. */
export async function runHistories(options: RunOptions): Promise<RunReport> {
  let shrinking = false;
  let histories = 0;
  let lastFailure: { transcript: string[]; config: HistoryConfig; error: unknown } | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  const historyOptions = { withTimeouts: options.withTimeouts, exclude: options.exclude ?? [] };
  const waiterPerDelivery = !frameworkNamesWaiterExecutions();
  const framework = frameworkInUse();
  const commands = fc.commands(commandArbitraries(historyOptions), {
    maxCommands: options.maxCommands,
    size: 'max',
    replayPath: options.replayPath,
  });

  const property = fc.asyncProperty(historyConfig, historyStart(historyOptions), commands, (config, start, cmds) => {
    // One history at a time: the handler reads its endpoint from process.env (see soak.ts).
    const run = inFlight.catch(() => undefined).then(() => runOne(config, start, cmds));
    inFlight = run;
    return run;
  });
  const runOne = async (config: HistoryConfig, start: Array<fc.AsyncCommand<Model, World>>, cmds: Iterable<fc.AsyncCommand<Model, World>>) => {
    const stats = new HistoryStats();
    const started = Date.now();
    const world = await World.start(config, stats);
    world.skip = options.skip;
    const model = initialModel(options.withTimeouts ? config.slowSteps : 0, waiterPerDelivery);
    let failed = false;
    try {
      await fc.asyncModelRun(() => ({ model, real: world }), [...start, ...cmds]);
      // What the last steps left for later (redeliveries, deliveries still running) happens now: afterwards
      // the world must still be what the model says.
      world.deliverPending();
      await world.settle();
      world.transcript.push('end of history: later redeliveries delivered, every delivery ended');
      stats.step('end of history');
      checkInvariants(world, model, { startedAt: Date.now(), budget: false }, options.skip, true);
    } catch (error) {
      failed = true;
      lastFailure = { transcript: [...world.transcript], config, error };
      throw error;
    } finally {
      await world.stop();
      const skipped = [...cmds].filter((command) => !(command as { hasRan?: boolean }).hasRan);
      for (const command of skipped) stats.count(`commands drawn but not applicable then: ${String(command).split('(')[0]}`);
      countCalls(world, stats);
      stats.count(`histories on ${framework}`);
      options.figures.add(stats, Date.now() - started, shrinking);
      if (process.env.MODEL_SLOW_LOG && Date.now() - started > 60_000) {
        appendFileSync(process.env.MODEL_SLOW_LOG, `history of ${((Date.now() - started) / 1000).toFixed(0)} s (seed ${options.seed}):\n${world.transcript.join('\n')}\n\n`);
      }
      if (!shrinking) {
        histories++;
        options.onHistory?.();
      }
      shrinking ||= failed;
    }
  };

  const details = await fc.check(property, {
    seed: options.seed,
    numRuns: options.numRuns,
    // With a path, fast-check runs that history first (and shrinks on from it, unless told not to).
    ...(options.path !== undefined ? { path: options.path } : {}),
    ...(options.shrink === false ? { endOnFailure: true } : {}),
    plugins: options.timeLimitMs !== undefined ? [fc.interruptAfterTimeLimit(options.timeLimitMs)] : [],
  });
  // The time limit stops fast-check from waiting for the history it interrupted, not the history:
  // it ends before anything else runs.
  await inFlight.catch(() => undefined);
  if (!details.failed) return { interrupted: details.interrupted, histories };
  if (details.counterexample === null || !lastFailure) {
    throw new Error(`the property failed without a counterexample: ${fc.defaultReportMessage(details)}`);
  }
  const [, , shrunkCommands] = details.counterexample as [HistoryConfig, unknown, unknown];
  const replayPath = /replayPath="([^"]*)"/.exec(String(shrunkCommands))?.[1];
  const error = lastFailure.error;
  return {
    interrupted: details.interrupted,
    histories,
    failure: {
      seed: details.seed,
      path: details.counterexamplePath,
      replayPath,
      violation: error instanceof Error ? (error.name === 'InvariantViolation' ? error.message : error.stack ?? error.message) : String(error),
      config: lastFailure.config,
      transcript: lastFailure.transcript,
      historiesBeforeFailure: details.numRuns,
      shrinks: details.numShrinks,
      shrunk: options.shrink !== false,
      interrupted: details.interrupted,
      framework,
    },
  };
}

function countCalls(world: World, stats: HistoryStats): void {
  const calls = world.emulator.calls();
  stats.count('Personalize API calls', calls.length);
  for (const call of calls.filter((c) => c.injected)) stats.fault(`injected ${call.outcome} (one API call)`);
  if (world.config.faults.latencyMs > 0) stats.fault(`calls delayed by ${world.config.faults.latencyMs} ms`, calls.length);
  if (world.config.faults.readAfterWriteLagMs > 0) stats.fault(`read-after-write lag of ${world.config.faults.readAfterWriteLagMs} ms`);
  const requests = world.stack.everyResource.reduce((n, slot) => n + slot.driver.requests.length, 0);
  const deliveries = world.stack.everyResource.reduce((n, slot) => n + slot.driver.timeline.filter((e) => e.kind === 'request').length, 0);
  stats.count('CloudFormation requests delivered to the Provider', requests);
  stats.count('deliveries beyond the first of a request (duplicates, redeliveries)', deliveries - requests);
  const invocations = world.stack.everyResource.flatMap((slot) => slot.driver.invocations);
  // Waiter invocations of a request CloudFormation already had an answer for: stale deliveries at work.
  for (const slot of world.stack.everyResource) {
    const answeredAt = new Map(slot.driver.responses.filter((r) => r.accepted).map((r) => [r.response.RequestId, r.at]));
    for (const invocation of slot.driver.invocations.filter((i) => i.handler === 'isComplete' && i.at > (answeredAt.get(i.requestId) ?? Infinity))) {
      const text = invocation.logs.map((line) => line.text).join('\n');
      const what = text.includes('"step":"change"') ? 'changed something' : text.includes('no longer waits') ? 'were fenced' : 'looked or waited';
      stats.count(`isComplete invocations after their request was answered (stale deliveries) that ${what}`);
    }
  }
  stats.count('isComplete invocations ended by their Lambda timeout', invocations.filter((i) => i.handler === 'isComplete' && i.timedOut).length);
  stats.count('isComplete invocations that failed the request (threw)', invocations.filter((i) => i.handler === 'isComplete' && i.error && !i.timedOut).length);
}

/** The failure as a person replays it. */
export function formatFailure(failure: FailureReport, replayCommand: (failure: FailureReport) => string): string {
  const { throttleRate, serverErrorRate, latencyMs, readAfterWriteLagMs } = failure.config.faults;
  return [
    `INVARIANT VIOLATED after ${failure.historiesBeforeFailure} histories on ${failure.framework}; `
      + `${failure.shrunk ? `shrunk ${failure.shrinks} times${failure.interrupted ? ' (shrinking stopped by the time limit)' : ''}` : `not shrunk (${failure.notShrunk ?? 'as drawn'})`}:`,
    `  ${failure.violation.split('\n').join('\n  ')}`,
    '',
    `The ${failure.shrunk ? 'shrunk ' : ''}history (seed ${failure.seed}, path "${failure.path}"):`,
    `  faults: throttling ${throttleRate}, 5xx ${serverErrorRate}, latency ${latencyMs} ms, read-after-write lag ${readAfterWriteLagMs} ms; emulator seed ${failure.config.emulatorSeed}`,
    ...failure.transcript.map((line, i) => `  ${i + 1}. ${line}`),
    '',
    'Replay it (fast-check replays the same commands; the handler\'s timing and jitter are not replayed):',
    `  ${replayCommand(failure)}`,
  ].join('\n');
}
