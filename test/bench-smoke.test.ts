import { deployOnce, deploySection } from '../bench/deploy-latency';
import { describeResources, footprint, growth, measureFootprint } from '../bench/footprint';
import { measureHandlerStartup } from '../bench/handler-startup';
import { compileSynthApp, EndToEndRun, synthSection, synthTimes } from '../bench/synth-time';
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
  test('end to end: the compiled app runs in a fresh node process and writes the template', () => {
    const app = compileSynthApp();
    try {
      const run = app.run('ours', 1);

      expect(run.resources).toBe(footprint('ours', 1).resources);
      for (const phase of [run.startupMs, run.requireMs, run.buildSynthMs, run.spawnExitMs]) expect(phase).toBeGreaterThan(0);
      expect(run.startupMs + run.requireMs + run.buildSynthMs + run.spawnExitMs).toBeCloseTo(run.totalMs, 6);
    } finally {
      app.dispose();
    }
  });

  test('in process: one run per size and variant', () => {
    const { ours, bare } = synthTimes([1, 2], 1);

    expect(ours).toHaveLength(2);
    expect(bare).toHaveLength(2);
    expect([...ours, ...bare].every((t) => t > 0)).toBe(true);
  });

  /** A run whose phases add up to `totalMs`. */
  const run = (totalMs: number): EndToEndRun => ({
    totalMs, startupMs: 50, requireMs: 200, buildSynthMs: totalMs - 280, spawnExitMs: 30, resources: 0,
  });
  const measurements = (inProcessOurs: number[]) => ({
    sizes: [1, 10, 50, 200],
    ratioAt: 50,
    endToEnd: { runs: 5, ours: [600, 615, 680, 930].map(run), bare: [400, 410, 460, 700].map(run) },
    inProcess: { runs: 11, ours: inProcessOurs, bare: [10, 17, 40, 130] },
    oursPerStack: '15 resources: 5 Lambda::Function',
  });

  test('the section checks the end-to-end ratio and the growth of both; the in-process ratio is information', () => {
    const section = synthSection(measurements([40, 48, 80, 210]));

    expect(section.tables.map((t) => t.rows.length)).toEqual([4, 8, 4]);
    expect(section.tables[0].rows[2].slice(0, 4)).toEqual(['50', '680 ms', '460 ms', '1.48x']);
    expect(section.checks.map((c) => [c.figure, c.value, c.pass])).toEqual([
      ['synth end to end: ours / bare at 50 trackers', '1.48x', true],
      ['synth end to end: ours time per added tracker, 50->200 vs 1->50', '1.02x', true],
      ['synth in process: ours time per added tracker, 50->200 vs 1->50', '1.06x', true],
    ]);
    const notes = section.notes.join('\n');
    expect(notes).toContain('ours(1) - bare(1) = 200 ms');
    expect(notes).toContain('At 50 trackers ours / bare = 1.48x: within 1.5; 1.5 x bare(50) = 690 ms against ours(50) = 680 ms');
    expect(notes).toContain('ours / bare at 50 trackers is 2.00x: above 1.5');
    expect(notes).toContain('ours(1) - bare(1) = 30 ms once per stack for the shared provider (15 resources: 5 Lambda::Function)');
    expect(notes).not.toContain('QUADRATIC');
  });

  test('a quadratic in-process step fails its check', () => {
    const section = synthSection(measurements([40, 48, 80, 400]));

    expect(section.checks.filter((c) => !c.pass).map((c) => c.figure)).toEqual(['synth in process: ours time per added tracker, 50->200 vs 1->50']);
    expect(section.notes.join('\n')).toContain('QUADRATIC step');
  });
});

test('handler start-up: the shipped asset and the one without @aws-sdk both load', () => {
  const section = measureHandlerStartup(1);

  const sizes = section.tables[0].rows.map((r) => parseFloat(r[1]));
  expect(sizes).toHaveLength(2);
  expect(sizes[1]).toBeLessThan(sizes[0]);
  expect(section.checks.map((c) => c.figure)).toEqual(['handler load time (require, fresh process)', 'handler asset size']);
});

test('deploy latency: ours and the naive handler create a tracker through the driver', async () => {
  const deployCase = { pendingMs: 20, inProgressMs: 30 };
  const ours = await deployOnce(deployCase, { queryIntervalMs: 100 });
  const naive = await deployOnce(deployCase, { queryIntervalMs: 100, handler: 'naive' });

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
