/**
 * `npx projen soak`: many random histories with fresh seeds, spread over worker processes (each
 * history runs its own emulator, but the handler reads its endpoint from process.env, so one
 * process runs one history at a time). Prints the figures, and for every violation the seed, the
 * (shrunk) history and how to replay it. A worker that finds a violation reports it and goes on with
 * the next seed until its share of histories has run: one defect does not hide the others. It shrinks
 * the first violation of each invariant it finds, and reports later ones as drawn.
 * Settings (environment):
 *   SOAK_RUNS (1000)   histories in all          SOAK_WORKERS (3)      processes
 *   SOAK_SEED (fresh)  seed of the first worker; worker i uses SOAK_SEED + i, then + SOAK_WORKERS after a violation
 *   SOAK_MAX_COMMANDS (10) steps per history at most, after the stack's creation
 *   SOAK_MINUTES (40)  no new history after this long (the soak stops by itself)
 *   SOAK_SHRINK_SECONDS (150) time to shrink one violation
 *   SOAK_AWS_CDK_LIBS  comma-separated aws-cdk-lib package folders whose Provider framework the workers
 *                      run, in turn ('repo': this repository's, 2.224.0, which names the waiter after the
 *                      RequestId, as releases up to 2.232.x do; a later one, e.g. test/compat's 2.278.0,
 *                      runs a waiter per delivery).
 *                      Default: 'repo', and test/compat/node_modules/aws-cdk-lib if it is installed.
 *   SOAK_PATH, SOAK_REPLAY: replay one history (printed with a failure), with SOAK_SEED (and
 *   SOAK_AWS_CDK_LIBS: the one it ran on)
 *   MODEL_SKIP_INVARIANTS: comma-separated invariants not to check, MODEL_EXCLUDE: modifiers never
 *   drawn (duplicate, redeliver, redeliver:next-op, lost-response, create-fails, ...): to look past a known violation
 */
import { ChildProcess, fork } from 'child_process';
import { existsSync } from 'fs';
import { join, resolve } from 'path';
import { Figures, FiguresJson } from './figures';
import { FailureReport, formatFailure, frameworkInUse, runHistories } from './runner';

interface WorkerTask {
  readonly seed: number;
  readonly seedStride: number;
  readonly numRuns: number;
  readonly path?: string;
  readonly replayPath?: string;
  readonly maxCommands: number;
  /** Epoch ms after which no new history starts. */
  readonly deadline: number;
  readonly shrinkMs: number;
  readonly skip: string[];
  readonly exclude: string[];
}

type WorkerMessage =
  | { kind: 'history' }
  | { kind: 'violation'; invariant: string }
  | { kind: 'done'; figures: FiguresJson; failures: FailureReport[]; interrupted: boolean; framework: string };

const env = process.env;
const number = (name: string, fallback: number) => (env[name] !== undefined && env[name] !== '' ? Number(env[name]) : fallback);
const ROOT = resolve(__dirname, '..', '..');

function invariantOf(failure: FailureReport): string {
  return failure.violation.split(':')[0];
}

async function worker(): Promise<void> {
  const task = await new Promise<WorkerTask>((ok) => process.once('message', (message) => ok(message as WorkerTask)));
  const figures = new Figures();
  const failures: FailureReport[] = [];
  const shrunk = new Set<string>();
  const common = { maxCommands: task.maxCommands, skip: new Set(task.skip), exclude: task.exclude, withTimeouts: true };
  let done = 0;
  let seed = task.seed;
  let interrupted = false;
  while (done < task.numRuns) {
    const left = task.deadline - Date.now();
    if (left <= 0) {
      interrupted = true;
      break;
    }
    // Drawn without shrinking: the failing history first, then (once per invariant) shrunk from it.
    const report = await runHistories({
      ...common,
      seed,
      numRuns: task.numRuns - done,
      path: task.path,
      replayPath: task.replayPath,
      shrink: false,
      timeLimitMs: left,
      figures,
      onHistory: () => process.send!({ kind: 'history' } satisfies WorkerMessage),
    });
    done += report.histories;
    if (!report.failure) {
      interrupted = report.interrupted;
      break;
    }
    let failure: FailureReport = { ...report.failure, notShrunk: 'an earlier violation of this invariant was' };
    process.send!({ kind: 'violation', invariant: invariantOf(failure) } satisfies WorkerMessage);
    if (task.path !== undefined) {
      failure = { ...failure, notShrunk: 'a replay' };
    } else if (!shrunk.has(invariantOf(failure))) {
      shrunk.add(invariantOf(failure));
      const again = await runHistories({
        ...common,
        seed: failure.seed,
        numRuns: 1,
        path: failure.path,
        shrink: true,
        timeLimitMs: task.shrinkMs,
        // Shrink runs are not histories of the soak.
        figures: new Figures(),
      });
      // The replay may not fail again (timing): then the history as drawn is the report.
      failure = again.failure ? { ...again.failure, historiesBeforeFailure: failure.historiesBeforeFailure }
        : { ...failure, notShrunk: 'its replay did not fail again: the violation depends on timing' };
    }
    failures.push(failure);
    if (task.path !== undefined) break;
    seed += task.seedStride;
  }
  const message: WorkerMessage = { kind: 'done', figures: figures.toJSON(), failures, interrupted, framework: frameworkInUse() };
  process.send!(message, () => process.exit(0));
}

function frameworks(): string[] {
  if (env.SOAK_AWS_CDK_LIBS) return env.SOAK_AWS_CDK_LIBS.split(',').filter(Boolean);
  const compat = join(ROOT, 'test', 'compat', 'node_modules', 'aws-cdk-lib');
  return existsSync(join(compat, 'package.json')) ? ['repo', compat] : ['repo'];
}

function replayCommand(failure: FailureReport, awsCdkLib: string): string {
  return `SOAK_SEED=${failure.seed} SOAK_PATH='${failure.path}'${failure.replayPath ? ` SOAK_REPLAY='${failure.replayPath}'` : ''}`
    + `${awsCdkLib !== 'repo' ? ` SOAK_AWS_CDK_LIBS=${awsCdkLib}` : ''} npx projen soak`;
}

async function main(): Promise<void> {
  const replaying = env.SOAK_PATH !== undefined && env.SOAK_PATH !== '';
  const runs = replaying ? 1 : number('SOAK_RUNS', 1000);
  const workers = replaying ? 1 : Math.max(1, Math.min(number('SOAK_WORKERS', 3), runs));
  const seed = number('SOAK_SEED', Math.floor(Math.random() * 0x7fffffff));
  const maxCommands = number('SOAK_MAX_COMMANDS', 10);
  const deadline = Date.now() + number('SOAK_MINUTES', 40) * 60_000;
  const shrinkMs = number('SOAK_SHRINK_SECONDS', 150) * 1000;
  const skip = (env.MODEL_SKIP_INVARIANTS ?? '').split(',').filter(Boolean);
  const exclude = (env.MODEL_EXCLUDE ?? '').split(',').filter(Boolean);
  const libs = frameworks();
  const started = Date.now();
  console.log(`soak: ${runs} histories of up to ${maxCommands} steps, ${workers} worker(s), seeds ${seed}..${seed + workers - 1}`
    + `${skip.length > 0 ? `, not checking ${skip.join(', ')}` : ''}${exclude.length > 0 ? `, never drawing ${exclude.join(', ')}` : ''}${replaying ? ', replaying one history' : ''}`);
  if (libs.length === 1 && libs[0] === 'repo' && !replaying) {
    console.log('soak: only this repository\'s aws-cdk-lib framework (2.224.0: one waiter per RequestId); SOAK_AWS_CDK_LIBS adds a later one (a waiter per delivery)');
  }

  let done = 0;
  let violations = 0;
  const results = await Promise.all(Array.from({ length: workers }, (_, i) => {
    const share = Math.floor(runs / workers) + (i < runs % workers ? 1 : 0);
    const lib = libs[i % libs.length];
    const task: WorkerTask = {
      seed: seed + i,
      seedStride: workers,
      numRuns: share,
      path: env.SOAK_PATH || undefined,
      replayPath: env.SOAK_REPLAY || undefined,
      maxCommands,
      deadline,
      shrinkMs,
      skip,
      exclude,
    };
    return new Promise<Extract<WorkerMessage, { kind: 'done' }> & { lib: string }>((ok, reject) => {
      const child: ChildProcess = fork(__filename, ['--worker'], {
        execArgv: ['-r', 'ts-node/register/transpile-only'],
        env: { ...env, TS_NODE_PROJECT: 'test/tsconfig.json', ...(lib !== 'repo' ? { DRIVER_AWS_CDK_LIB: resolve(lib) } : {}) },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      let result: Extract<WorkerMessage, { kind: 'done' }> | undefined;
      child.on('message', (message: WorkerMessage) => {
        if (message.kind === 'history') {
          done++;
          if (done % 50 === 0 || done === runs) console.log(`  ${done}/${runs} histories (${((Date.now() - started) / 1000).toFixed(0)} s)${violations > 0 ? `, ${violations} violation(s) so far` : ''}`);
        } else if (message.kind === 'violation') {
          violations++;
          console.log(`  worker ${i}: violation of ${message.invariant} (${((Date.now() - started) / 1000).toFixed(0)} s); it goes on after reporting it`);
        } else {
          result = message;
        }
      });
      child.on('exit', (code) => (result ? ok({ ...result, lib }) : reject(new Error(`worker ${i} exited with code ${code} without a report`))));
      child.send(task);
    });
  }));

  const figures = new Figures();
  for (const result of results) figures.merge(result.figures);
  console.log(`\n${figures.render(Date.now() - started)}`);
  console.log(`frameworks: ${results.map((r, i) => `worker ${i}: ${r.framework}`).join('; ')}`);
  const failures = results.flatMap((result) => result.failures.map((failure) => ({ failure, lib: result.lib })));
  for (const { failure, lib } of failures) console.log(`\n${formatFailure(failure, (f) => replayCommand(f, lib))}`);
  const interrupted = results.some((result) => result.interrupted);
  if (interrupted) console.log(`\nsoak: stopped by the time limit (SOAK_MINUTES) after ${figures.histories} of ${runs} histories`);
  const byInvariant = new Map<string, number>();
  for (const { failure } of failures) byInvariant.set(invariantOf(failure), (byInvariant.get(invariantOf(failure)) ?? 0) + 1);
  const verdict = failures.length > 0
    ? `${failures.length} invariant violation(s) (${[...byInvariant].map(([name, n]) => `${name} ${n}`).join(', ')})`
    : interrupted ? 'incomplete' : 'zero invariant violations';
  console.log(`\nsoak: ${figures.histories} histories, ${figures.total('step: ')} steps, ${figures.total('fault: ')} faults injected, ${figures.total('check: ')} invariant checks: ${verdict}`);
  process.exitCode = failures.length > 0 || interrupted ? 1 : 0;
}

if (process.argv.includes('--worker')) {
  void worker();
} else {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
