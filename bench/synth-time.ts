import { spawnSync } from 'child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { describeOursPerStack } from './footprint';
import type { SynthAppTimes } from './synth-app';
import { Check, Section, Table, median, ms, times } from './table';
import { STACK_NAME, synthesize } from './variants';

const ROOT = join(__dirname, '..');
const MAX_RATIO = 1.5;
/** A step whose time per added tracker is over this multiple of the previous step's is flagged as quadratic. */
const MAX_STEP_GROWTH = 2;
/** The CDK CLI the user runs (the aws-cdk devDependency, v2: `npx aws-cdk` would fetch v3, which cannot read this aws-cdk-lib). */
const CDK_CLI = join(ROOT, 'node_modules', '.bin', 'cdk');
const CDK_CLI_VERSION: string = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'aws-cdk', 'package.json'), 'utf8')).version;
/** Names the file the app writes its SynthAppTimes to under the CLI (read by synth-app.ts). */
const TIMES_FILE_ENV = 'BENCH_SYNTH_APP_TIMES';

/** The variants compared: ours, and the same app built from bare CfnResources. */
export type Compared = 'ours' | 'bare';
const COMPARED: readonly Compared[] = ['ours', 'bare'];

/** A run's figures by name: its total and phases in milliseconds, and the resources of the template it wrote. */
type Phases = Readonly<Record<string, number>>;

/** One run of the app in a fresh `node` process; the phases add up to the total. */
export interface EndToEndRun extends Phases {
  /** Wall time of the process, measured by the parent, from spawn to exit. */
  readonly totalMs: number;
  /** Node's start-up, up to the app's first line. */
  readonly startupMs: number;
  /** Time inside require(): the app's modules, aws-cdk-lib and constructs, including aws-cdk-lib's lazy loads while building. */
  readonly requireMs: number;
  /** Building the app and app.synth(), without the require() time in it. */
  readonly buildSynthMs: number;
  /** The rest: starting the process before Node's time origin, and its exit. */
  readonly spawnExitMs: number;
  /** Resources of the template the process wrote. */
  readonly resources: number;
}

/** One `cdk synth` with the real CLI, which runs the app in its own process; the phases add up to the total. */
export interface CliRun extends Phases {
  /** Wall time of the CLI, measured by the parent, from spawn to exit. */
  readonly totalMs: number;
  /** From the CLI's spawn to the app process's time origin: the CLI's start-up (Node, its modules, its settings, the AWS environment) and the spawn of the app. */
  readonly cliBeforeMs: number;
  /** The app's Node start-up, up to its first line. */
  readonly startupMs: number;
  /** The app's time inside require(). */
  readonly requireMs: number;
  /** The app's building and app.synth(), without the require() time in it. */
  readonly buildSynthMs: number;
  /** From the end of app.synth() to the CLI's exit: the app's exit, the CLI reading the cloud assembly, its exit. */
  readonly cliAfterMs: number;
  /** Resources of the template the CLI's cloud assembly holds. */
  readonly resources: number;
}

/** bench/synth-app.ts, compiled to JavaScript in a temporary folder. */
export interface SynthApp {
  /** Runs the app in a fresh `node` process, as `cdk synth` does, into a temporary cdk.out deleted afterwards. */
  run(variant: Compared, trackers: number): EndToEndRun;
  /**
   * Runs `cdk synth --app "node <app> <variant> <trackers>" --output <temporary dir> --no-notices --quiet` with the
   * real CLI, as the user does; the temporary folder is deleted afterwards.
   */
  runCli(variant: Compared, trackers: number): CliRun;
  /** Deletes the temporary folder. */
  dispose(): void;
}

/**
 * Compiles bench/synth-app.ts, bench/variants.ts and the library (src/) with esbuild into a temporary folder,
 * once: the app's process then loads JavaScript, as a user's compiled app does, and pays no TypeScript
 * compilation. File by file rather than bundled, because the library finds its handler bundle relative to
 * its own files (`__dirname`), so it keeps its layout, as in the installed package (lib/ next to assets/).
 * aws-cdk-lib and constructs are not compiled in: they load from node_modules (NODE_PATH).
 */
export function compileSynthApp(): SynthApp {
  const dir = mkdtempSync(join(tmpdir(), 'bench-synth-app-'));
  try {
    const esbuild = spawnSync(join(ROOT, 'node_modules', '.bin', 'esbuild'), [
      'bench/synth-app.ts', 'bench/variants.ts', 'src/**/*.ts',
      `--outdir=${dir}`, '--outbase=.', '--platform=node', '--format=cjs', '--target=node20', '--log-level=warning',
    ], { cwd: ROOT, encoding: 'utf8' });
    if (esbuild.status !== 0) throw new Error(`esbuild failed: ${esbuild.stderr}`);
    cpSync(join(ROOT, 'assets'), join(dir, 'assets'), { recursive: true });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const entry = join(dir, 'bench', 'synth-app.js');
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_PATH: join(ROOT, 'node_modules') };
  // Run directly, the app writes into the folder given on its command line, not the CLI's.
  delete env.CDK_OUTDIR;
  delete env[TIMES_FILE_ENV];
  const resourcesOf = (outdir: string) => Object.keys(JSON.parse(readFileSync(join(outdir, `${STACK_NAME}.template.json`), 'utf8')).Resources).length;

  return {
    run: (variant, trackers) => {
      const outdir = mkdtempSync(join(tmpdir(), 'bench-cdk.out-'));
      try {
        const start = performance.now();
        const child = spawnSync(process.execPath, [entry, variant, String(trackers), outdir], { env, encoding: 'utf8' });
        const totalMs = performance.now() - start;
        if (child.status !== 0) throw new Error(`${variant} app with ${trackers} trackers failed (${child.status}): ${child.stderr}`);
        const t = JSON.parse(child.stdout.trim().split('\n').pop()!) as SynthAppTimes;
        return {
          totalMs,
          startupMs: t.startedMs,
          requireMs: t.requireMs,
          buildSynthMs: t.endedMs - t.startedMs - t.requireMs,
          spawnExitMs: totalMs - t.endedMs,
          resources: resourcesOf(outdir),
        };
      } finally {
        rmSync(outdir, { recursive: true, force: true });
      }
    },
    runCli: (variant, trackers) => {
      const work = mkdtempSync(join(tmpdir(), 'bench-cdk-synth-'));
      const outdir = join(work, 'cdk.out');
      const timesFile = join(work, 'app-times.json');
      try {
        const cliEnv = { ...env, CDK_DISABLE_CLI_TELEMETRY: 'true', [TIMES_FILE_ENV]: timesFile };
        const args = ['synth', '--app', `node ${entry} ${variant} ${trackers}`, '--output', outdir, '--no-notices', '--quiet'];
        // Both clocks in ms since the epoch: the app reports its time origin, to place its run inside the CLI's.
        const startEpochMs = performance.timeOrigin + performance.now();
        const start = performance.now();
        const child = spawnSync(CDK_CLI, args, { cwd: work, env: cliEnv, encoding: 'utf8' });
        const totalMs = performance.now() - start;
        if (child.status !== 0) throw new Error(`cdk synth of the ${variant} app with ${trackers} trackers failed (${child.status}): ${child.stderr}`);
        const t = JSON.parse(readFileSync(timesFile, 'utf8')) as SynthAppTimes;
        const cliBeforeMs = t.originEpochMs - startEpochMs;
        return {
          totalMs,
          cliBeforeMs,
          startupMs: t.startedMs,
          requireMs: t.requireMs,
          buildSynthMs: t.endedMs - t.startedMs - t.requireMs,
          cliAfterMs: totalMs - cliBeforeMs - t.endedMs,
          resources: resourcesOf(outdir),
        };
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Each phase's median over the runs. */
function medianRun<T extends Phases>(runs: readonly T[]): T {
  return Object.fromEntries(Object.keys(runs[0]).map((key) => [key, median(runs.map((r) => r[key]))])) as T;
}

/** Medians by size of each variant's runs, and how far apart the runs of one size and variant are. */
export type Timed<T> = Record<Compared, T[]> & {
  /** Max - min of the total times of the runs of one size and variant, median over the sizes and variants. */
  readonly spreadMs: number;
};

/**
 * Rounds over every size and variant (so that a burst of load from other processes hits them all alike),
 * after one unmeasured run of each size and variant, which brings the files into the OS cache as for any
 * repeated `cdk synth`. Returns each phase's median by size.
 */
function interleaved<T extends Phases & { totalMs: number }>(
  sizes: readonly number[], runs: number, run: (variant: Compared, trackers: number) => T,
): Timed<T> {
  for (const n of sizes) for (const variant of COMPARED) run(variant, n);
  const samples = { ours: sizes.map((): T[] => []), bare: sizes.map((): T[] => []) };
  for (let i = 0; i < runs; i++) {
    sizes.forEach((n, s) => {
      for (const variant of COMPARED) samples[variant][s].push(run(variant, n));
    });
  }
  const spreads = [...samples.ours, ...samples.bare].map((cell) => {
    const totals = cell.map((r) => r.totalMs);
    return Math.max(...totals) - Math.min(...totals);
  });
  return { ours: samples.ours.map(medianRun), bare: samples.bare.map(medianRun), spreadMs: median(spreads) };
}

/** The app in a fresh `node` process, without the CLI: medians by size (see interleaved). */
export function endToEndTimes(app: SynthApp, sizes: readonly number[], runs: number): Timed<EndToEndRun> {
  return interleaved(sizes, runs, app.run);
}

/** `cdk synth` with the real CLI: medians by size (see interleaved). */
export function cliTimes(app: SynthApp, sizes: readonly number[], runs: number): Timed<CliRun> {
  return interleaved(sizes, runs, app.runCli);
}

/** Median build + app.synth() times in this process, after warm-up, of ours and of the bare-CfnResource app, by size. */
export function synthTimes(sizes: readonly number[], runs: number): Record<Compared, number[]> {
  for (const variant of COMPARED) {
    // Warm-up: loads aws-cdk-lib's modules and hashes the handler asset once.
    synthesize(variant, sizes[0]);
    synthesize(variant, 10);
  }
  const samples = { ours: sizes.map((): number[] => []), bare: sizes.map((): number[] => []) };
  for (let run = 0; run < runs; run++) {
    sizes.forEach((n, i) => {
      for (const variant of COMPARED) samples[variant][i].push(synthesize(variant, n).ms);
    });
  }
  return { ours: samples.ours.map(median), bare: samples.bare.map(median) };
}

/** What the synth section is made from. */
export interface SynthMeasurements {
  readonly sizes: readonly number[];
  /** The size at which ours / bare is compared. */
  readonly ratioAt: number;
  /** (c) `cdk synth` with the real CLI: the target. */
  readonly cli: { readonly runs: number; readonly spreadMs: number } & Record<Compared, readonly CliRun[]>;
  /** (a) The app's process alone, without the CLI. */
  readonly endToEnd: { readonly runs: number; readonly spreadMs: number } & Record<Compared, readonly EndToEndRun[]>;
  /** (b) Build + app.synth() in the bench's process, after warm-up. */
  readonly inProcess: { readonly runs: number } & Record<Compared, readonly number[]>;
  /** What ours adds to a stack whatever its number of trackers (describeOursPerStack). */
  readonly oursPerStack: string;
}

export function synthSection(m: SynthMeasurements): Section {
  const { sizes, ratioAt } = m;
  const totals = <T extends { totalMs: number }>(runs: Record<Compared, readonly T[]>) => ({
    ours: runs.ours.map((r) => r.totalMs), bare: runs.bare.map((r) => r.totalMs),
  });
  const cli = totals(m.cli);
  const e2e = totals(m.endToEnd);
  const inProcess = { ours: [...m.inProcess.ours], bare: [...m.inProcess.bare] };
  const perTracker = (t: readonly number[], i: number) => (t[i] - t[i - 1]) / (sizes[i] - sizes[i - 1]);
  const last = sizes.length - 1;
  const r = sizes.indexOf(ratioAt);
  const at = r >= 0 ? r : last;

  const comparison = (title: string, t: Record<Compared, readonly number[]>): Table => ({
    title,
    header: ['trackers', 'ours', 'bare CfnResource', 'ours vs bare', 'ours per added tracker', 'bare per added tracker', 'per added tracker: ours vs bare'],
    rows: sizes.map((n, i) => [
      String(n), ms(t.ours[i]), ms(t.bare[i]), times(t.ours[i], t.bare[i]),
      ...(i === 0 ? ['-', '-', '-'] : [ms(perTracker(t.ours, i)), ms(perTracker(t.bare, i)), times(perTracker(t.ours, i), perTracker(t.bare, i))]),
    ]),
  });
  type Columns<T> = ReadonlyArray<[string, keyof T & string]>;
  const phaseTable = <T extends Phases>(title: string, runs: Record<Compared, readonly T[]>, columns: Columns<T>): Table => ({
    title,
    header: ['trackers', 'variant', ...columns.map(([label]) => label), 'total'],
    rows: sizes.flatMap((n, i) => COMPARED.map((v) => [String(n), v, ...columns.map(([, key]) => ms(runs[v][i][key])), ms(runs[v][i].totalMs)])),
  });
  const appColumns: ReadonlyArray<[string, 'startupMs' | 'requireMs' | 'buildSynthMs']> = [
    ['app: Node start-up', 'startupMs'], ['app: module loading (require)', 'requireMs'], ['app: build + synth', 'buildSynthMs'],
  ];

  const ratioCheck = (label: string, t: Record<Compared, readonly number[]>): Check => ({
    figure: `synth ${label}: ours / bare at ${ratioAt} trackers`,
    value: times(t.ours[r], t.bare[r]),
    target: `<= ${MAX_RATIO.toFixed(2)}x`,
    pass: t.ours[r] / t.bare[r] <= MAX_RATIO,
  });
  const checks: Check[] = r >= 0 ? [ratioCheck('with the CLI (cdk synth)', cli)] : [];
  // Quadratic work (e.g. a per-tracker scan of all trackers) makes the time per added tracker grow with
  // the size: compare the last step with the average slope from the first size up to it, which spans
  // enough trackers to stay above the run-to-run noise.
  const [first, before] = [0, sizes.length - 2];
  const growthOf = (t: readonly number[]) => {
    const slope = (from: number, to: number) => (t[to] - t[from]) / (sizes[to] - sizes[from]);
    return slope(before, last) / slope(first, before);
  };
  // In a fresh process, the CLI's start-up, Node's start-up and module loading do not depend on the number of
  // trackers (aws-cdk-lib loads the same classes for 1 tracker or 200) but carry most of the run-to-run noise:
  // the growth of (c) and (a) is checked on the time after them.
  const afterLoading = {
    cli: m.cli.ours.map((p) => p.buildSynthMs + p.cliAfterMs),
    e2e: m.endToEnd.ours.map((p) => p.buildSynthMs + p.spawnExitMs),
  };
  if (sizes.length >= 3) {
    const growth = (label: string, t: readonly number[]): Check => {
      const value = growthOf(t);
      return {
        figure: `synth ${label} per added tracker, ${sizes[before]}->${sizes[last]} vs ${sizes[first]}->${sizes[before]}`,
        value: `${value.toFixed(2)}x`,
        target: `<= ${MAX_STEP_GROWTH}x (linear: ~1x)`,
        pass: value <= MAX_STEP_GROWTH,
      };
    };
    checks.push(
      growth('with the CLI: ours time after start-up and module loading', afterLoading.cli),
      growth('end to end: ours time after start-up and module loading', afterLoading.e2e),
      growth('in process: ours time', inProcess.ours),
    );
  }

  // Figures for the notes: fixed cost = ours(first size) - bare(first size), split by phase (medians of each phase).
  const [c0, a0] = [{ ours: m.cli.ours[0], bare: m.cli.bare[0] }, { ours: m.endToEnd.ours[0], bare: m.endToEnd.bare[0] }];
  const fixed = <T extends Phases>(p: Record<Compared, T>, key: keyof T & string) => ms(p.ours[key] - p.bare[key]);
  const cliOwn = (run: CliRun) => run.cliBeforeMs + run.cliAfterMs;
  const n0 = sizes[0];
  const lastStep = (t: readonly number[]) => (last > 0 ? perTracker(t, last) : 0);
  const stepNote = (t: Record<Compared, readonly number[]>) => (last > 0
    ? ` Per added tracker (${sizes[last - 1]}->${sizes[last]}): ours ${ms(lastStep(t.ours))}, bare ${ms(lastStep(t.bare))}, ${times(lastStep(t.ours), lastStep(t.bare))}.`
    : '');
  const verdict = (t: Record<Compared, readonly number[]>, checked: boolean) => {
    const within = t.ours[at] / t.bare[at] <= MAX_RATIO;
    const word = within ? `within ${MAX_RATIO}` : `above ${MAX_RATIO}`;
    return `At ${sizes[at]} trackers ours / bare = ${times(t.ours[at], t.bare[at])}: ${word}`
      + (checked ? (within ? ', the target is met' : ', the target is missed') : ', printed for information, not checked')
      + `; ${MAX_RATIO} x bare(${sizes[at]}) = ${ms(MAX_RATIO * t.bare[at])} against ours(${sizes[at]}) = ${ms(t.ours[at])}.`;
  };

  const notes = [
    '(c) With the CLI, as the user runs it: `node_modules/.bin/cdk synth --app "node <app>.js <variant> <trackers>" --output <temporary dir> '
      + `--no-notices --quiet\` (aws-cdk CLI ${CDK_CLI_VERSION}), wall time measured by the parent from spawn to exit; under the CLI the app `
      + 'writes where the CLI tells it (CDK_OUTDIR). The app is the one of (a), compiled once. '
      + `Median of ${m.cli.runs} runs per size and variant, sizes and variants interleaved, after one unmeasured run of each. `
      + 'CLI before the app: from the spawn of the CLI to the start of the app\'s process (the CLI\'s Node start-up and modules, its settings, '
      + 'the AWS environment: no AWS credentials are configured here and the account lookup gives up at once, and the spawn of the app through a shell); '
      + 'CLI after the app: the app\'s exit, the CLI reading the cloud assembly, its exit. The app\'s phases are measured in the app, as in (a).',
    `(c) ${verdict(cli, true)} The fixed cost of ours, ours(${n0}) - bare(${n0}) = ${ms(cli.ours[0] - cli.bare[0])}, splits into `
      + `CLI start-up (before the app) ${fixed(c0, 'cliBeforeMs')}, app Node start-up ${fixed(c0, 'startupMs')}, `
      + `module loading ${fixed(c0, 'requireMs')} (the library and the aws-cdk-lib classes its shared provider uses), `
      + `build + synth ${fixed(c0, 'buildSynthMs')} and CLI after the app ${fixed(c0, 'cliAfterMs')} (medians of each phase). `
      + 'The CLI cannot tell the variants apart before it runs the app, so its start-up difference is run-to-run noise: the fixed cost is '
      + `the app's module loading and build + synth, as in (a) (${ms(a0.ours.requireMs - a0.bare.requireMs)} and ${ms(a0.ours.buildSynthMs - a0.bare.buildSynthMs)} there). `
      + `What differs from (a) is what both variants pay, the CLI's own time on top of the app's process: bare(${n0}) = ${ms(cli.bare[0])} in all, `
      + `of which ${ms(c0.bare.cliBeforeMs)} before the app and ${ms(c0.bare.cliAfterMs)} after it. At ${sizes[at]} trackers ours - bare is `
      + `${ms(cli.ours[at] - cli.bare[at])} here and ${ms(e2e.ours[at] - e2e.bare[at])} in (a), but over bare(${sizes[at]}) = ${ms(cli.bare[at])} here `
      + `against ${ms(e2e.bare[at])} in (a).${stepNote(cli)}`,
    '(a) End to end, the app\'s process alone: the wall time of a fresh `node` process that runs the app as the CDK CLI runs it for `cdk synth` '
      + '(load the modules, build the app, app.synth() into a temporary folder, exit), measured by the parent, without the CLI around it. '
      + 'The app (bench/synth-app.ts, the variants and the library) is compiled to JavaScript with esbuild once per bench run, so the process '
      + 'pays no TypeScript compilation; aws-cdk-lib and constructs load from node_modules. '
      + `Median of ${m.endToEnd.runs} runs per size and variant, sizes and variants interleaved, after one unmeasured run of each (file cache). `
      + 'aws-cdk-lib loads a class on first use, so the bare app only pays for the classes it uses.',
    `(a) ${verdict(e2e, false)} The fixed cost of ours, ours(${n0}) - bare(${n0}) = ${ms(e2e.ours[0] - e2e.bare[0])}, splits into `
      + `CLI start-up none (no CLI), Node start-up ${fixed(a0, 'startupMs')}, module loading ${fixed(a0, 'requireMs')} and `
      + `build + synth ${fixed(a0, 'buildSynthMs')} (medians of each phase), the cost of aws-cdk-lib's custom-resources Provider framework `
      + 'that the product spec requires (its aws-cdk-lib classes to load, region-info, the staging of the file assets, code run cold by V8). '
      + `Both pay Node's start-up (${ms(a0.bare.startupMs)}) and aws-cdk-lib's core: bare(${n0}) = ${ms(e2e.bare[0])} in all, `
      + `without the CLI's own ${ms(cliOwn(c0.bare))}, which (c) adds to both sides (there ours / bare = ${times(cli.ours[at], cli.bare[at])} `
      + `at ${sizes[at]}).${stepNote(e2e)}`,
    "(b) In process, the library's own overhead: building the app and app.synth() in the bench's process after warm-up (modules loaded, code "
      + `optimized), median of ${m.inProcess.runs} runs, interleaved likewise; no CLI, no Node start-up, no module loading. `
      + `Build + synth of ours at ${sizes[at]} takes ${ms(m.endToEnd.ours[at].buildSynthMs)} in a fresh process against ${ms(inProcess.ours[at])} here: `
      + 'the difference is the cold start (code not yet compiled and optimized by V8, first-use set-up), which every `cdk synth` pays.',
    `(b) ${verdict(inProcess, false)} The fixed cost of ours, ours(${n0}) - bare(${n0}) = ${ms(inProcess.ours[0] - inProcess.bare[0])} once per stack, `
      + 'is build + synth only (CLI start-up and module loading: none, already paid), the aws-cdk-lib custom-resources Provider framework, '
      + `which the product spec requires, for the shared provider (${m.oursPerStack}), against ${ms(inProcess.bare[at])} for the whole bare app `
      + `at ${sizes[at]} trackers, with nothing around it (no CLI, no Node start-up, no module loading) to dilute it.`
      + (last > 0 ? ` Per added tracker (${sizes[last - 1]}->${sizes[last]}) ours costs ${ms(lastStep(inProcess.ours))} and bare `
        + `${ms(lastStep(inProcess.bare))} (${times(lastStep(inProcess.ours), lastStep(inProcess.bare))}), so the ratio falls as trackers spread `
        + `the fixed cost: ${times(inProcess.ours[last], inProcess.bare[last])} at ${sizes[last]}.` : ''),
    ...(sizes.length >= 3 ? ['Growth (the checks): in (c) and (a), the CLI\'s start-up, the app\'s Node start-up and its module loading do not '
      + `depend on the number of trackers (module loading of ours in (a): ${sizes.map((n, i) => `${ms(m.endToEnd.ours[i].requireMs)} at ${n}`).join(', ')}) `
      + 'but carry most of the run-to-run noise, so growth is checked on the time after them: build + synth plus, in (c), the CLI after the app '
      + `(ours: ${sizes.map((n, i) => `${ms(afterLoading.cli[i])} at ${n}`).join(', ')}) and, in (a), spawn + exit `
      + `(ours: ${sizes.map((n, i) => `${ms(afterLoading.e2e[i])} at ${n}`).join(', ')}). On the totals, the same comparison gives `
      + `${growthOf(cli.ours).toFixed(2)}x with the CLI and ${growthOf(e2e.ours).toFixed(2)}x without (see the spread below).`] : []),
    'Per added tracker = time difference to the previous size / tracker difference. The runs of one size and variant spread over '
      + `${ms(m.cli.spreadMs)} with the CLI and ${ms(m.endToEnd.spreadMs)} for the app's process alone (max - min of the totals, median over `
      + 'sizes and variants), so a per added tracker figure can be off by up to about that spread / the tracker difference: '
      + sizes.slice(1).map((n, i) => `${sizes[i]}->${n} ${ms(m.cli.spreadMs / (n - sizes[i]))} with the CLI, ${ms(m.endToEnd.spreadMs / (n - sizes[i]))} without`).join('; ')
      + '. Growth is checked on the slope from the first size to the last but one against the last step, both spanning many trackers. '
      + 'One stack; each tracker comes with its own CfnDatasetGroup, in both variants.',
    ...checks.filter((c) => !c.pass && c.figure.includes('per added tracker')).map((c) => `QUADRATIC step: ${c.figure} = ${c.value}.`),
  ];
  return {
    title: 'Synth time',
    tables: [
      comparison(`(c) \`cdk synth\` with the CLI, as the user runs it (the target: ours / bare <= ${MAX_RATIO} at ${ratioAt})`, cli),
      phaseTable('(c) `cdk synth` by phase (medians of each phase)', m.cli,
        [['CLI before the app', 'cliBeforeMs'], ...appColumns, ['CLI after the app', 'cliAfterMs']]),
      comparison('(a) End to end: the app\'s process alone, fresh `node`, no CLI (ratio for information)', e2e),
      phaseTable('(a) End to end, by phase (medians of each phase)', m.endToEnd, [...appColumns, ['spawn + exit', 'spawnExitMs']]),
      comparison('(b) In process: build + app.synth() after warm-up, the library\'s own overhead (ratio for information)', inProcess),
    ],
    notes,
    checks,
  };
}

export interface SynthOptions {
  readonly sizes?: readonly number[];
  /** In-process runs per size and variant. */
  readonly runs?: number;
  /** End-to-end runs (fresh app processes, no CLI) per size and variant. */
  readonly endToEndRuns?: number;
  /** `cdk synth` runs with the real CLI per size and variant. */
  readonly cliRuns?: number;
  /** The size at which the ratio to bare CfnResources is checked. */
  readonly ratioAt?: number;
}

export function measureSynthTime({ sizes = [1, 10, 50, 200], runs = 11, endToEndRuns = 9, cliRuns = 7, ratioAt = 50 }: SynthOptions = {}): Section {
  const app = compileSynthApp();
  try {
    const cli = { runs: cliRuns, ...cliTimes(app, sizes, cliRuns) };
    const endToEnd = { runs: endToEndRuns, ...endToEndTimes(app, sizes, endToEndRuns) };
    const inProcess = { runs, ...synthTimes(sizes, runs) };
    return synthSection({ sizes, ratioAt, cli, endToEnd, inProcess, oursPerStack: describeOursPerStack() });
  } finally {
    app.dispose();
  }
}
