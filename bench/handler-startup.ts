import { spawnSync } from 'child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { Check, Section, kb, median, ms, times } from './table';

const ROOT = join(__dirname, '..');
export const SHIPPED_ASSET = join(ROOT, 'assets', 'event-tracker', 'index.js');
const MAX_LOAD_MS = 100;
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
 * Bundles the handler as `npx projen bundle:handler` does (its command, read from .projen/tasks.json),
 * with `extraArgs` added, into `outfile`.
 */
export function bundleHandler(outfile: string, extraArgs: readonly string[]): void {
  const tasks = JSON.parse(readFileSync(join(ROOT, '.projen', 'tasks.json'), 'utf8'));
  const [command, ...args] = (tasks.tasks['bundle:handler'].steps[0].exec as string).split(/\s+/);
  const outArgs = args.map((a) => (a.startsWith('--outfile=') ? `--outfile=${outfile}` : a));
  const run = spawnSync(join(ROOT, 'node_modules', '.bin', command), [...outArgs, ...extraArgs, '--log-level=warning'], { cwd: ROOT, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`esbuild failed: ${run.stderr}`);
}

export function measureHandlerStartup(loads = 20): Section {
  const dir = mkdtempSync(join(tmpdir(), 'bench-handler-'));
  try {
    const external = join(dir, 'index.js');
    bundleHandler(external, ['--external:@aws-sdk/*']);
    // The Lambda runtime provides the SDK: here node_modules stands in for it.
    const sdkFromNodeModules = { NODE_PATH: join(ROOT, 'node_modules') };
    const variants = [
      { label: 'shipped: @aws-sdk bundled', file: SHIPPED_ASSET, env: {} },
      { label: '@aws-sdk/* external (SDK from node_modules)', file: external, env: sdkFromNodeModules },
    ].map((v) => ({ ...v, bytes: statSync(v.file).size, loadMs: [] as number[] }));
    // Alternate the variants so a busy machine slows both alike.
    for (let i = 0; i < loads; i++) {
      for (const v of variants) v.loadMs.push(loadTime(v.file, v.env));
    }
    const [bundled, unbundled] = variants.map((v) => ({ ...v, median: median(v.loadMs) }));

    const table = {
      header: ['asset', 'size', 'size vs shipped', `load (median of ${loads})`, 'load min', 'load max', 'load vs shipped'],
      rows: [bundled, unbundled].map((v) => [
        v.label, kb(v.bytes), times(v.bytes, bundled.bytes), ms(v.median), ms(Math.min(...v.loadMs)), ms(Math.max(...v.loadMs)),
        times(v.median, bundled.median),
      ]),
    };
    const checks: Check[] = [
      { figure: 'handler load time (require, fresh process)', value: ms(bundled.median), target: `<= ${MAX_LOAD_MS} ms`, pass: bundled.median <= MAX_LOAD_MS },
      { figure: 'handler asset size', value: kb(bundled.bytes), target: `<= ${kb(MAX_ASSET_BYTES)}`, pass: bundled.bytes <= MAX_ASSET_BYTES },
    ];
    return {
      title: 'Handler start-up',
      tables: [table],
      notes: [
        `Load = require() of the asset in a new \`node\` process (${process.version}), without the process start; KB = 1000 B. `
          + 'The external variant is the same esbuild command plus --external:@aws-sdk/*, resolving the SDK from node_modules.',
      ],
      checks,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
