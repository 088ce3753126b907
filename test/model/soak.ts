/**
 * `npx projen soak`: many random histories with fresh seeds, spread over worker processes (each
 * history runs its own emulator, but the handler reads its endpoint from process.env, so one
 * process runs one history at a time). Prints the figures, and on failure the seed, the shrunk
 * history and how to replay it. Settings (environment):
 *   SOAK_RUNS (1000)   histories in all          SOAK_WORKERS (3)      processes
 *   SOAK_SEED (fresh)  seed of the first worker; worker i uses SOAK_SEED + i
 *   SOAK_MAX_COMMANDS (10) steps per history at most, after the stack's creation
 *   SOAK_MINUTES (25)  no new history after this long (the soak stops by itself)
 *   SOAK_PATH, SOAK_REPLAY: replay one history (printed with a failure), with SOAK_SEED
 *   MODEL_SKIP_INVARIANTS: comma-separated invariants not to check, MODEL_EXCLUDE: modifiers never
 *   drawn (duplicate, lost-response, create-fails, ...): to look past a known violation
 */
import { ChildProcess, fork } from 'child_process';
import { Figures, FiguresJson } from './figures';
import { FailureReport, formatFailure, runHistories } from './runner';

interface WorkerTask {
  readonly seed: number;
  readonly numRuns: number;
  readonly path?: string;
  readonly replayPath?: string;
  readonly maxCommands: number;
  readonly timeLimitMs: number;
  readonly skip: string[];
  readonly exclude: string[];
}

type WorkerMessage =
  | { kind: 'history' }
  | { kind: 'done'; figures: FiguresJson; failure?: FailureReport; interrupted: boolean };

const env = process.env;
const number = (name: string, fallback: number) => (env[name] !== undefined && env[name] !== '' ? Number(env[name]) : fallback);

function replayCommand(failure: FailureReport): string {
  return `SOAK_SEED=${failure.seed} SOAK_PATH='${failure.path}'${failure.replayPath ? ` SOAK_REPLAY='${failure.replayPath}'` : ''} npx projen soak`;
}

async function worker(): Promise<void> {
  const task = await new Promise<WorkerTask>((resolve) => process.once('message', (message) => resolve(message as WorkerTask)));
  const figures = new Figures();
  const report = await runHistories({
    ...task,
    skip: new Set(task.skip),
    withTimeouts: true,
    figures,
    onHistory: () => process.send!({ kind: 'history' } satisfies WorkerMessage),
  });
  process.send!({ kind: 'done', figures: figures.toJSON(), failure: report.failure, interrupted: report.interrupted } satisfies WorkerMessage, () => process.exit(0));
}

async function main(): Promise<void> {
  const replaying = env.SOAK_PATH !== undefined && env.SOAK_PATH !== '';
  const runs = replaying ? 1 : number('SOAK_RUNS', 1000);
  const workers = replaying ? 1 : Math.max(1, Math.min(number('SOAK_WORKERS', 3), runs));
  const seed = number('SOAK_SEED', Math.floor(Math.random() * 0x7fffffff));
  const maxCommands = number('SOAK_MAX_COMMANDS', 10);
  const timeLimitMs = number('SOAK_MINUTES', 25) * 60_000;
  const skip = (env.MODEL_SKIP_INVARIANTS ?? '').split(',').filter(Boolean);
  const exclude = (env.MODEL_EXCLUDE ?? '').split(',').filter(Boolean);
  const started = Date.now();
  console.log(`soak: ${runs} histories of up to ${maxCommands} steps, ${workers} worker(s), seeds ${seed}..${seed + workers - 1}`
    + `${skip.length > 0 ? `, not checking ${skip.join(', ')}` : ''}${exclude.length > 0 ? `, never drawing ${exclude.join(', ')}` : ''}${replaying ? ', replaying one history' : ''}`);

  let done = 0;
  const results = await Promise.all(Array.from({ length: workers }, (_, i) => {
    const share = Math.floor(runs / workers) + (i < runs % workers ? 1 : 0);
    const task: WorkerTask = {
      seed: seed + i,
      numRuns: share,
      path: env.SOAK_PATH || undefined,
      replayPath: env.SOAK_REPLAY || undefined,
      maxCommands,
      timeLimitMs,
      skip,
      exclude,
    };
    return new Promise<Extract<WorkerMessage, { kind: 'done' }>>((resolve, reject) => {
      const child: ChildProcess = fork(__filename, ['--worker'], {
        execArgv: ['-r', 'ts-node/register/transpile-only'],
        env: { ...env, TS_NODE_PROJECT: 'test/tsconfig.json' },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      let result: Extract<WorkerMessage, { kind: 'done' }> | undefined;
      child.on('message', (message: WorkerMessage) => {
        if (message.kind === 'history') {
          done++;
          if (done % 50 === 0 || done === runs) console.log(`  ${done}/${runs} histories (${((Date.now() - started) / 1000).toFixed(0)} s)`);
        } else {
          result = message;
        }
      });
      child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`worker ${i} exited with code ${code} without a report`))));
      child.send(task);
    });
  }));

  const figures = new Figures();
  for (const result of results) figures.merge(result.figures);
  console.log(`\n${figures.render(Date.now() - started)}`);
  const failures = results.flatMap((result) => (result.failure ? [result.failure] : []));
  for (const failure of failures) console.log(`\n${formatFailure(failure, replayCommand)}`);
  const interrupted = results.some((result) => result.interrupted);
  if (interrupted) console.log(`\nsoak: stopped by the time limit (SOAK_MINUTES) after ${figures.histories} of ${runs} histories`);
  const verdict = failures.length > 0 ? `${failures.length} worker(s) found an invariant violation` : interrupted ? 'incomplete' : 'zero invariant violations';
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
