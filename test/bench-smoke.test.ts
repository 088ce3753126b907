import { deployOnce, deploySection } from '../bench/deploy-latency';
import { describeResources, footprint, growth, measureFootprint } from '../bench/footprint';
import { measureHandlerStartup, StartupMeasurements, startupSection } from '../bench/handler-startup';
import { CliRun, compileSynthApp, EndToEndRun, SynthApp, synthSection, synthTimes } from '../bench/synth-time';
import { checksTable, renderMarkdown, renderText } from '../bench/table';
import { EVENT_TRACKER_RESOURCE_TYPE } from '../src/private/handler-contract';

// Tiny versions of each measurement of `npx projen bench`, so that the benchmark code keeps working.
// No assertion on timings: this machine's load is not the code's.

describe('footprint', () => {
  test('ours keeps one provider per stack, a provider per tracker grows with the trackers', () => {
    const ours = [footprint('ours', 1), footprint('ours', 2)];
    const perTracker = [footprint('providerPerTracker', 1), footprint('providerPerTracker', 2)];

    expect(ours[1].lambdas).toBe(ours[0].lambdas);
    expect(ours[1].stateMachines).toBe(1);
    expect(perTracker[1].lambdas).toBe(2 * perTracker[0].lambdas);
    expect(perTracker[1].stateMachines).toBe(2);
    expect(footprint('awsCustomResource', 2).lambdas).toBe(1);
    expect(footprint('bare', 2)).toMatchObject({ lambdas: 0, roles: 0, stateMachines: 0, resources: 4 });
    expect(ours[1].bytes).toBeGreaterThan(ours[0].bytes);

    const oursGrowth = growth({ trackers: 1, footprint: ours[0] }, { trackers: 2, footprint: ours[1] });
    expect(oursGrowth.perTracker).toEqual({ 'AWS::Personalize::DatasetGroup': 1, [EVENT_TRACKER_RESOURCE_TYPE]: 1 });
    expect(oursGrowth.perStack['AWS::Lambda::Function']).toBe(ours[0].lambdas);
    expect(oursGrowth.perStack['AWS::IAM::Role']).toBe(ours[0].roles);
    expect(oursGrowth.assetsPerStack).toBe(2);
    expect(describeResources({ 'AWS::IAM::Role': 2, 'AWS::Lambda::Function': 3 })).toBe('5 resources: 3 Lambda::Function, 2 IAM::Role');
  });

  test('the section compares the four variants and checks ours', () => {
    const section = measureFootprint([1, 2]);

    expect(section.tables[0].rows).toHaveLength(8);
    expect(section.checks.map((c) => c.figure)).toEqual([
      'ours: Lambda functions at 2 trackers = at 1',
      'ours: template bytes per added tracker',
    ]);
    expect(section.checks.every((c) => c.pass)).toBe(true);
  });
});

describe('synth time', () => {
  describe('the compiled app', () => {
    let app: SynthApp;
    beforeAll(() => {
      app = compileSynthApp();
    });
    afterAll(() => app?.dispose());

    test('end to end: it runs in a fresh node process and writes the template', () => {
      const run = app.run('ours', 1);

      expect(run.resources).toBe(footprint('ours', 1).resources);
      for (const phase of [run.startupMs, run.requireMs, run.buildSynthMs, run.spawnExitMs]) expect(phase).toBeGreaterThan(0);
      expect(run.startupMs + run.requireMs + run.buildSynthMs + run.spawnExitMs).toBeCloseTo(run.totalMs, 6);
    });

    test('with the CLI: one `cdk synth` of ours at 1 tracker succeeds and writes the template where the CLI tells the app', () => {
      const run = app.runCli('ours', 1);

      expect(run.resources).toBe(footprint('ours', 1).resources);
      for (const phase of [run.startupMs, run.requireMs, run.buildSynthMs]) expect(phase).toBeGreaterThan(0);
      expect(run.cliBeforeMs + run.startupMs + run.requireMs + run.buildSynthMs + run.cliAfterMs).toBeCloseTo(run.totalMs, 6);
    }, 30_000);
  });

  test('in process: one run per size and variant', () => {
    const { ours, bare } = synthTimes([1, 2], 1);

    expect(ours).toHaveLength(2);
    expect(bare).toHaveLength(2);
    expect([...ours, ...bare].every((t) => t > 0)).toBe(true);
  });

  /** A run whose phases add up to `totalMs`. */
  const run = (requireMs: number) => (totalMs: number): EndToEndRun => ({
    totalMs, startupMs: 50, requireMs, buildSynthMs: totalMs - 80 - requireMs, spawnExitMs: 30, resources: 0,
  });
  /** A CLI run whose phases add up to `totalMs`: the CLI's 700 + 300 ms around the app. */
  const cliRun = (requireMs: number) => (totalMs: number): CliRun => ({
    totalMs, cliBeforeMs: 700, startupMs: 50, requireMs, buildSynthMs: totalMs - 1050 - requireMs, cliAfterMs: 300, resources: 0,
  });
  const measurements = (inProcessOurs: number[]) => ({
    sizes: [1, 10, 50, 200],
    ratioAt: 50,
    cli: { runs: 5, spreadMs: 180, ours: [1600, 1615, 1680, 1930].map(cliRun(350)), bare: [1400, 1410, 1460, 1700].map(cliRun(200)) },
    endToEnd: { runs: 5, spreadMs: 90, ours: [600, 615, 700, 950].map(run(350)), bare: [400, 410, 460, 700].map(run(200)) },
    inProcess: { runs: 11, ours: inProcessOurs, bare: [10, 17, 40, 130] },
    oursPerStack: '15 resources: 5 Lambda::Function',
  });

  test('the section checks the CLI ratio and the growth of all three; the other ratios are information', () => {
    const section = synthSection(measurements([40, 48, 80, 210]));

    expect(section.tables.map((t) => t.rows.length)).toEqual([4, 8, 4, 8, 4]);
    expect(section.tables[0].rows[2].slice(0, 4)).toEqual(['50', '1680 ms', '1460 ms', '1.15x']);
    expect(section.tables[1].header).toEqual([
      'trackers', 'variant', 'CLI before the app', 'app: Node start-up', 'app: module loading (require)', 'app: build + synth', 'CLI after the app', 'total',
    ]);
    expect(section.checks.map((c) => [c.figure, c.value, c.pass])).toEqual([
      ['synth with the CLI (cdk synth): ours / bare at 50 trackers', '1.15x', true],
      ['synth with the CLI: ours time after start-up and module loading per added tracker, 50->200 vs 1->50', '1.02x', true],
      ['synth end to end: ours time after start-up and module loading per added tracker, 50->200 vs 1->50', '0.82x', true],
      ['synth in process: ours time per added tracker, 50->200 vs 1->50', '1.06x', true],
    ]);
    const notes = section.notes.join('\n');
    expect(notes).toContain('(c) At 50 trackers ours / bare = 1.15x: within 1.5, the target is met; 1.5 x bare(50) = 2190 ms against ours(50) = 1680 ms');
    expect(notes).toContain('ours(1) - bare(1) = 200 ms, splits into CLI start-up (before the app) 0.0 ms, app Node start-up 0.0 ms, module loading 150 ms');
    expect(notes).toContain('bare(1) = 1400 ms in all, of which 700 ms before the app and 300 ms after it');
    expect(notes).toContain('1->10 20 ms with the CLI, 10 ms without; 10->50 4.5 ms with the CLI, 2.3 ms without; 50->200 1.2 ms with the CLI, 0.6 ms without');
    expect(notes).toContain('(a) At 50 trackers ours / bare = 1.52x: above 1.5, printed for information, not checked');
    expect(notes).toContain('CLI start-up none (no CLI), Node start-up 0.0 ms, module loading 150 ms and build + synth 50 ms');
    expect(notes).toContain('(b) At 50 trackers ours / bare = 2.00x: above 1.5, printed for information, not checked');
    expect(notes).toContain('ours(1) - bare(1) = 30 ms once per stack');
    expect(notes).toContain('for the shared provider (15 resources: 5 Lambda::Function)');
    expect(notes).not.toContain('QUADRATIC');
  });

  test('the growth with and without the CLI is checked after start-up and module loading, whose noise does not count', () => {
    const m = measurements([40, 48, 80, 210]);
    // 90 ms less module loading at 50 trackers (noise): the totals' slope from 1 to 50 almost vanishes.
    const ours = m.endToEnd.ours.map((r, i) => (i === 2 ? { ...r, requireMs: r.requireMs - 90, totalMs: r.totalMs - 90 } : r));
    const section = synthSection({ ...m, endToEnd: { ...m.endToEnd, ours } });

    expect(section.checks.every((c) => c.pass)).toBe(true);
    expect(section.notes.join('\n')).toContain('On the totals, the same comparison gives 1.02x with the CLI and 11.11x without');
  });

  test('a CLI ratio above 1.5 fails its check', () => {
    const m = measurements([40, 48, 80, 210]);
    const section = synthSection({ ...m, cli: { ...m.cli, ours: [2100, 2115, 2200, 2450].map(cliRun(350)) } });

    expect(section.checks.filter((c) => !c.pass).map((c) => [c.figure, c.value])).toEqual([['synth with the CLI (cdk synth): ours / bare at 50 trackers', '1.51x']]);
    expect(section.notes.join('\n')).toContain('(c) At 50 trackers ours / bare = 1.51x: above 1.5, the target is missed');
  });

  test('a quadratic in-process step fails its check', () => {
    const section = synthSection(measurements([40, 48, 80, 400]));

    expect(section.checks.filter((c) => !c.pass).map((c) => c.figure)).toEqual(['synth in process: ours time per added tracker, 50->200 vs 1->50']);
    expect(section.notes.join('\n')).toContain('QUADRATIC step');
  });
});

describe('handler start-up', () => {
  const LOAD_RATIO = 'handler load time / @aws-sdk/client-personalize alone (require, fresh process, medians)';

  test('the shipped asset, the client alone and the two comparisons all load', () => {
    const section = measureHandlerStartup(1);

    const rows = section.tables[0].rows;
    expect(rows.map((r) => r[0])).toEqual([
      'shipped: @aws-sdk bundled',
      '@aws-sdk/client-personalize alone, from node_modules',
      '@aws-sdk/* external (SDK from node_modules)',
      '@aws-sdk/client-personalize alone, bundled by the same esbuild command',
    ]);
    const sizes = rows.map((r) => parseFloat(r[1]));
    expect(rows[1][1]).toBe('-');
    expect(sizes[2]).toBeLessThan(sizes[0]);
    expect(sizes[3]).toBeLessThan(sizes[0]);
    expect(section.checks.map((c) => c.figure)).toEqual([LOAD_RATIO, 'handler asset size']);
  });

  const measurements = (shippedMs: number[], clientMs: number[], shippedBytes = 480_000): StartupMeasurements => ({
    shipped: { label: 'shipped', bytes: shippedBytes, loadMs: shippedMs },
    clientAlone: { label: 'client alone', loadMs: clientMs },
    others: [],
    clientVersion: '3.0.0',
    nodeVersion: 'v0.0.0',
  });

  test('the check is the ratio of the two medians, whatever the machine\'s speed; both medians are reported', () => {
    const section = startupSection(measurements([100, 109, 104], [97, 99, 98]));

    expect(section.checks.map((c) => [c.figure, c.value, c.target, c.pass])).toEqual([
      [LOAD_RATIO, '1.06x (104 ms / 98 ms)', '<= 1.15x', true],
      ['handler asset size', '480.0 KB', '<= 500.0 KB', true],
    ]);
    expect(section.tables[0].rows.map((r) => r[6])).toEqual(['1.06x', '1.00x']);
    expect(section.notes[0]).toContain('shipped 104 ms, @aws-sdk/client-personalize alone 98 ms, 1.06x');
  });

  test('fails a bundle that loads more than 1.15 times as long as the client alone, even on a fast machine', () => {
    const section = startupSection(measurements([58, 60, 59], [50, 51, 49]));

    expect(section.checks.filter((c) => !c.pass).map((c) => [c.figure, c.value])).toEqual([[LOAD_RATIO, '1.18x (59 ms / 50 ms)']]);
  });

  test('fails an asset over 500 KB', () => {
    const section = startupSection(measurements([100], [100], 500_001));

    expect(section.checks.filter((c) => !c.pass).map((c) => c.figure)).toEqual(['handler asset size']);
  });
});

test('deploy latency: ours and the naive handler create a tracker through the driver', async () => {
  const deployCase = { pendingMs: 20, inProgressMs: 30 };
  const ours = await deployOnce(deployCase, { timeScale: 0.02 });
  const naive = await deployOnce(deployCase, { timeScale: 0.02, handler: 'naive' });

  for (const result of [ours, naive]) {
    expect(result.stackStatus).toBe('CREATE_COMPLETE');
    expect(result.calls.CreateEventTracker).toBe(1);
    expect(result.successAfterMs).toBeGreaterThanOrEqual(result.activeAfterMs);
  }
  const section = deploySection([ours, naive]);
  expect(section.tables[0].rows).toHaveLength(1);
  expect(section.checks).toHaveLength(2);
  expect(renderText(checksTable(section.checks))).toContain('API calls');
  expect(renderMarkdown(section.tables[0])).toMatch(/^\| ACTIVE after/);
});
