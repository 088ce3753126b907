import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Check, Section, kb, median, ms, times } from './table';

const ROOT = join(__dirname, '..');
export const SHIPPED_ASSET = join(ROOT, 'assets', 'event-tracker', 'index.js');
/** The AWS SDK client the handler needs: its load time is the handler's floor. */
const CLIENT = '@aws-sdk/client-personalize';
/** The shipped bundle's load time over the client's alone (medians). */
const MAX_LOAD_RATIO = 1.15;
const MAX_ASSET_BYTES = 500_000;

/** Milliseconds to require() the file in a fresh Node process (the process start itself is not counted). */
export function loadTime(file: string, env: NodeJS.ProcessEnv = {}): number {
  const script = `const t = process.hrtime.bigint(); require(${JSON.stringify(file)});`
    + 'process.stdout.write(String(Number(process.hrtime.bigint() - t) / 1e6));';
  const run = spawnSync(process.execPath, ['-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`loading ${file} failed: ${run.stderr}`);
  return Number(run.stdout);
}

/**
 * Bundles as `npx projen bundle:handler` does (its command, read from .projen/tasks.json), with
 * `extraArgs` added, into `outfile`; `entry` replaces the handler's entry point when given.
 */
export function bundleHandler(outfile: string, extraArgs: readonly string[], entry?: string): void {
  const tasks = JSON.parse(readFileSync(join(ROOT, '.projen', 'tasks.json'), 'utf8'));
  const [command, first, ...args] = (tasks.tasks['bundle:handler'].steps[0].exec as string).split(/\s+/);
  const outArgs = [entry ?? first, ...args].map((a) => (a.startsWith('--outfile=') ? `--outfile=${outfile}` : a));
  // NODE_PATH: an entry outside the project still resolves its packages from the project's node_modules.
  const run = spawnSync(join(ROOT, 'node_modules', '.bin', command), [...outArgs, ...extraArgs, '--log-level=warning'], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules') },
  });
  if (run.status !== 0) throw new Error(`esbuild failed: ${run.stderr}`);
}

/** One file (or package) required in fresh processes. */
export interface LoadVariant {
  readonly label: string;
  /** Size of the file required; undefined for a package of many files loaded from node_modules. */
  readonly bytes?: number;
  readonly loadMs: readonly number[];
}

export interface StartupMeasurements {
  /** The shipped asset (assets/event-tracker/index.js). */
  readonly shipped: LoadVariant;
  /** `require('@aws-sdk/client-personalize')` from node_modules: the floor the ratio is checked against. */
  readonly clientAlone: LoadVariant;
  /** Printed for information, not checked. */
  readonly others: readonly LoadVariant[];
  readonly clientVersion: string;
  readonly nodeVersion: string;
}

export function measureHandlerStartup(loads = 20): Section {
  const dir = mkdtempSync(join(tmpdir(), 'bench-handler-'));
  try {
    const external = join(dir, 'index.js');
    bundleHandler(external, ['--external:@aws-sdk/*']);
    const clientEntry = join(dir, 'client-entry.js');
    writeFileSync(clientEntry, `module.exports = require(${JSON.stringify(CLIENT)});\n`);
    const clientBundled = join(dir, 'client-bundled.js');
    bundleHandler(clientBundled, [], clientEntry);
    // The Lambda runtime provides the SDK: here node_modules stands in for it.
    const sdkFromNodeModules = { NODE_PATH: join(ROOT, 'node_modules') };
    const variants = [
      { label: 'shipped: @aws-sdk bundled', file: SHIPPED_ASSET, env: {}, bytes: statSync(SHIPPED_ASSET).size },
      { label: `${CLIENT} alone, from node_modules`, file: require.resolve(CLIENT, { paths: [ROOT] }), env: {}, bytes: undefined },
      { label: '@aws-sdk/* external (SDK from node_modules)', file: external, env: sdkFromNodeModules, bytes: statSync(external).size },
      { label: `${CLIENT} alone, bundled by the same esbuild command`, file: clientBundled, env: {}, bytes: statSync(clientBundled).size },
    ].map((v) => ({ ...v, loadMs: [] as number[] }));
    // Alternate the variants, one fresh process each, so a busy machine slows all of them alike.
    for (let i = 0; i < loads; i++) {
      for (const v of variants) v.loadMs.push(loadTime(v.file, v.env));
    }
    const [shipped, clientAlone, ...others] = variants;
    return startupSection({
      shipped,
      clientAlone,
      others,
      clientVersion: JSON.parse(readFileSync(join(ROOT, 'node_modules', CLIENT, 'package.json'), 'utf8')).version,
      nodeVersion: process.version,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The table, notes and checks of the measured load times. */
export function startupSection(m: StartupMeasurements): Section {
  const { shipped, clientAlone } = m;
  const medianOf = (v: LoadVariant) => median(v.loadMs);
  const ratio = medianOf(shipped) / medianOf(clientAlone);
  const loads = shipped.loadMs.length;
  const size = (v: LoadVariant) => (v.bytes === undefined ? '-' : kb(v.bytes));
  const table = {
    header: ['asset', 'size', 'size vs shipped', `load (median of ${loads})`, 'load min', 'load max', `load vs ${CLIENT} alone`],
    rows: [shipped, clientAlone, ...m.others].map((v) => [
      v.label, size(v), v.bytes === undefined || shipped.bytes === undefined ? '-' : times(v.bytes, shipped.bytes),
      ms(medianOf(v)), ms(Math.min(...v.loadMs)), ms(Math.max(...v.loadMs)), times(medianOf(v), medianOf(clientAlone)),
    ]),
  };
  const checks: Check[] = [
    {
      figure: `handler load time / ${CLIENT} alone (require, fresh process, medians)`,
      value: `${times(medianOf(shipped), medianOf(clientAlone))} (${ms(medianOf(shipped))} / ${ms(medianOf(clientAlone))})`,
      target: `<= ${MAX_LOAD_RATIO.toFixed(2)}x`,
      pass: ratio <= MAX_LOAD_RATIO,
    },
    {
      figure: 'handler asset size',
      value: shipped.bytes === undefined ? '-' : kb(shipped.bytes),
      target: `<= ${kb(MAX_ASSET_BYTES)}`,
      pass: shipped.bytes !== undefined && shipped.bytes <= MAX_ASSET_BYTES,
    },
  ];
  return {
    title: 'Handler start-up',
    tables: [table],
    notes: [
      `Load = require() of the asset in a new \`node\` process (${m.nodeVersion}), without the process start; KB = 1000 B. `
        + `The variants alternate, one process each, ${loads} times. The handler cannot load faster than ${CLIENT} (${m.clientVersion}), which it needs, `
        + 'and that floor is the machine\'s, so the target is the ratio of the medians: '
        + `shipped ${ms(medianOf(shipped))}, ${CLIENT} alone ${ms(medianOf(clientAlone))}, ${times(medianOf(shipped), medianOf(clientAlone))}.`,
      'The external variant is the same esbuild command plus --external:@aws-sdk/*, resolving the SDK from node_modules; '
        + `the bundled client alone is the same esbuild command on a file that only requires ${CLIENT} `
        + '(it also holds the code the client loads only when used, such as the credential providers).',
    ],
    checks,
  };
}
