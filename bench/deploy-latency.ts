import { fork } from 'child_process';
import { join } from 'path';
import { SHIPPED_ASSET } from './handler-startup';
import { Check, Section, ms, times } from './table';
import { QUERY_INTERVAL } from '../src/private/event-tracker-provider';
import { CloudFormationStack, eventTrackerTemplate, warmUpFramework } from '../test/driver';
import { PersonalizeEmulator } from '../test/emulator/personalize-emulator';

/** How long the emulated tracker takes to turn ACTIVE, split between its two creation statuses. */
export interface DeployCase {
  readonly pendingMs: number;
  readonly inProgressMs: number;
}

export const DEPLOY_CASES: readonly DeployCase[] = [
  { pendingMs: 200, inProgressMs: 300 },
  { pendingMs: 1_000, inProgressMs: 2_000 },
  { pendingMs: 5_000, inProgressMs: 15_000 },
];

/** `ours`: the shipped handler. `naive`: what a handler without the early looks does. */
export type Handler = 'ours' | 'naive';

export interface DeployOptions {
  readonly handler?: Handler;
  /** Multiplies every duration the provider's template declares (the query interval, timeouts). @default 1 */
  readonly timeScale?: number;
}

export interface DeployResult {
  readonly deployCase: DeployCase;
  readonly handler: Handler;
  readonly queryIntervalMs: number;
  readonly stackStatus: string;
  /** From the Create request sent by CloudFormation. */
  readonly activeAfterMs: number;
  readonly successAfterMs: number;
  /** From the emulator's ACTIVE to the SUCCESS response. */
  readonly overheadMs: number;
  /** Emulator calls during the create, by operation. */
  readonly calls: Record<string, number>;
}

const activeAfter = (c: DeployCase) => c.pendingMs + c.inProgressMs;
/** Within these first seconds, ACTIVE must be reported within 1 s; later, within one poll interval. */
const EARLY_MS = 3_000;
const EARLY_OVERHEAD_MS = 1_000;

/**
 * Starts an emulator and a driven stack (which loads the handler); the returned function runs the
 * create with real sleeps. Split so that concurrent runs can all be loaded before any starts.
 */
export async function prepareDeploy(deployCase: DeployCase, options: DeployOptions = {}): Promise<() => Promise<DeployResult>> {
  const handler = options.handler ?? 'ours';
  const emulator = await PersonalizeEmulator.start({
    timings: { trackerCreatePendingMs: deployCase.pendingMs, trackerCreateInProgressMs: deployCase.inProgressMs },
  });
  const datasetGroupArn = emulator.createDatasetGroup('bench-dataset-group');
  // The provider as the library synthesizes it, run by aws-cdk-lib's framework code.
  const stack = new CloudFormationStack({
    template: eventTrackerTemplate(),
    userCode: () => (handler === 'ours' ? SHIPPED_ASSET : join(__dirname, 'naive-handler.ts')),
    timeScale: options.timeScale ?? 1,
  });
  const queryIntervalMs = stack.provider.queryInterval;
  await warmUpFramework();

  return async () => {
    const restoreEnv = setEnv({
      AWS_ENDPOINT_URL_PERSONALIZE: emulator.endpoint,
      AWS_REGION: emulator.region,
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      AWS_SESSION_TOKEN: undefined,
      AWS_PROFILE: undefined,
      // Real sleeps: no time compression.
      EVENT_TRACKER_TIME_SCALE: undefined,
    });
    try {
      const result = await stack.create({ EventTrackerName: 'bench-tracker', DatasetGroupArn: datasetGroupArn });
      const requestAt = stack.timeline.find((e) => e.kind === 'request')!.at;
      const successAt = result.responses.find((r) => r.accepted)!.at;
      if (result.status !== 'CREATE_COMPLETE' || !stack.attributes.TrackingId) {
        throw new Error(`create ended in ${result.status}: ${result.responses.map((r) => r.response.Reason).join('; ')}`);
      }
      const activeAt = emulator.statusHistory(stack.physicalResourceId!).find((s) => s.status === 'ACTIVE')!.at;
      const calls: Record<string, number> = {};
      for (const call of emulator.calls()) calls[call.operation] = (calls[call.operation] ?? 0) + 1;
      return {
        deployCase,
        handler,
        queryIntervalMs,
        stackStatus: result.status,
        activeAfterMs: activeAt - requestAt,
        successAfterMs: successAt - requestAt,
        overheadMs: successAt - activeAt,
        calls,
      };
    } finally {
      restoreEnv();
      await emulator.stop();
    }
  };
}

export async function deployOnce(deployCase: DeployCase, options: DeployOptions = {}): Promise<DeployResult> {
  return (await prepareDeploy(deployCase, options))();
}

/** Sets (or, for undefined, removes) environment variables; returns the function that puts them back. */
function setEnv(values: Record<string, string | undefined>): () => void {
  const before = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  const apply = (v: Record<string, string | undefined>) => {
    for (const [k, value] of Object.entries(v)) {
      if (value === undefined) delete process.env[k];
      else process.env[k] = value;
    }
  };
  apply(values);
  return () => apply(before);
}

/** Runs each case in its own process (the handler reads its endpoint from the environment), all at once. */
async function deployConcurrently(runs: ReadonlyArray<{ deployCase: DeployCase; handler: Handler }>): Promise<DeployResult[]> {
  const children = runs.map((run) => {
    const child = fork(__filename, [JSON.stringify(run)], {
      execArgv: ['-r', 'ts-node/register/transpile-only'],
      env: { ...process.env, TS_NODE_PROJECT: join(__dirname, 'tsconfig.json') },
    });
    const exited = new Promise<never>((_, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => reject(new Error(`deploy of ${JSON.stringify(run)} exited with code ${code}`)));
    });
    const message = (accept: (m: unknown) => boolean) => Promise.race([
      new Promise<unknown>((resolve) => child.on('message', (m) => accept(m) && resolve(m))),
      exited,
    ]);
    return { child, ready: message((m) => m === 'ready'), result: message((m) => m !== 'ready') as Promise<DeployResult> };
  });
  try {
    await Promise.all(children.map((c) => c.ready));
    for (const { child } of children) child.send('go');
    return await Promise.all(children.map((c) => c.result));
  } catch (error) {
    for (const { child } of children) child.kill();
    throw error;
  }
}

export function deploySection(results: readonly DeployResult[]): Section {
  const ours = results.filter((r) => r.handler === 'ours');
  const naive = (r: DeployResult) => results.find((n) => n.handler === 'naive' && activeAfter(n.deployCase) === activeAfter(r.deployCase));
  const seconds = (value: number) => `${(value / 1000).toFixed(1)} s`;
  const totalCalls = (r: DeployResult) => Object.values(r.calls).reduce((a, b) => a + b, 0);
  const budget = (r: DeployResult) => Math.ceil(activeAfter(r.deployCase) / r.queryIntervalMs) + 3;
  const overheadTarget = (r: DeployResult) => (activeAfter(r.deployCase) <= EARLY_MS ? EARLY_OVERHEAD_MS : r.queryIntervalMs);

  const table = {
    header: [
      'ACTIVE after (PENDING + IN_PROGRESS)', 'request -> ACTIVE', 'request -> SUCCESS', 'ACTIVE -> SUCCESS',
      'naive ACTIVE -> SUCCESS', 'ours vs naive', 'Create', 'Describe', 'other calls', 'naive calls',
    ],
    rows: ours.map((r) => {
      const n = naive(r);
      const { CreateEventTracker: create = 0, DescribeEventTracker: describe = 0, ...others } = r.calls;
      return [
        `${seconds(activeAfter(r.deployCase))} (${seconds(r.deployCase.pendingMs)} + ${seconds(r.deployCase.inProgressMs)})`,
        seconds(r.activeAfterMs), seconds(r.successAfterMs), ms(r.overheadMs),
        n ? ms(n.overheadMs) : '-', !n ? '-' : activeAfter(r.deployCase) <= EARLY_MS ? times(r.overheadMs, n.overheadMs) : 'poll phase',
        String(create), String(describe),
        Object.entries(others).map(([op, count]) => `${op} ${count}`).join(', ') || '0',
        n ? String(totalCalls(n)) : '-',
      ];
    }),
  };
  const checks: Check[] = ours.flatMap((r) => [
    {
      figure: `ACTIVE after ${seconds(activeAfter(r.deployCase))}: ACTIVE -> SUCCESS`,
      value: ms(r.overheadMs),
      target: `<= ${ms(overheadTarget(r))}`,
      pass: r.overheadMs <= overheadTarget(r),
    },
    {
      figure: `ACTIVE after ${seconds(activeAfter(r.deployCase))}: API calls`,
      value: String(totalCalls(r)),
      target: `<= ${budget(r)} (ceil(T / ${seconds(r.queryIntervalMs)}) + 3)`,
      pass: totalCalls(r) <= budget(r),
    },
  ]);
  return {
    title: 'Deploy latency',
    tables: [table],
    notes: [
      'Local CloudFormation driver over aws-cdk-lib\'s Provider framework (the template the library synthesizes), running the bundled handler against the Personalize emulator, real sleeps, '
        + `query interval ${seconds(ours[0]?.queryIntervalMs ?? QUERY_INTERVAL.toMilliseconds())} (the Provider's). Each case ran in its own process and emulator, all at once.`,
      'naive: the same Provider with a handler that creates in onEvent and describes once per isComplete poll (no early looks), as provider-per-tracker libraries do.',
      `After its early looks (isComplete's first call 1 s after the create, and a second look at 3.5 s), ours polls like the naive handler, every ${seconds(ours[0]?.queryIntervalMs ?? 0)}: `
        + 'for slower trackers the delay depends on where ACTIVE falls between two polls (0 to one interval, half on average, for both): no ratio there.',
    ],
    checks,
  };
}

export async function measureDeployLatency(cases: readonly DeployCase[] = DEPLOY_CASES): Promise<Section> {
  const runs = cases.flatMap((deployCase) => (['ours', 'naive'] as const).map((handler) => ({ deployCase, handler })));
  return deploySection(await deployConcurrently(runs));
}

// The child process of deployConcurrently: load, say ready, deploy on "go", send the result.
if (require.main === module) {
  const { deployCase, handler } = JSON.parse(process.argv[2]) as { deployCase: DeployCase; handler: Handler };
  void (async () => {
    const run = await prepareDeploy(deployCase, { handler });
    process.send!('ready');
    await new Promise((resolve) => process.once('message', resolve));
    const result = await run();
    // The SDK's keep-alive sockets would hold the process open.
    process.send!(result, () => process.exit(0));
  })().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
