/**
 * Checks test/integ.event-tracker.ts without deploying it: its synthesized templates must equal the
 * committed snapshot in test/integ.event-tracker.ts.snapshot/ (integ-runner's layout), with asset
 * hashes and the assertions' per-synth salt masked.
 *
 * To accept a deliberate change: UPDATE_INTEG_SNAPSHOT=1 npx jest test/integ-event-tracker-snapshot.test.ts
 */
import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { newOutdir } from './helpers/outdir';

const SNAPSHOT_DIR = path.join(__dirname, 'integ.event-tracker.ts.snapshot');
const UPDATE = process.env.UPDATE_INTEG_SNAPSHOT === '1';
const TEST_STACK = 'EventTrackerInteg';

/**
 * The context integ-runner synthesizes with: the recommended feature flags (here aws-cdk-lib's own list),
 * no path or asset metadata, no version reporting, and no stack traces (the cdk CLI's default).
 */
function integRunnerContext(): Record<string, unknown> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const flags: Record<string, unknown> = { ...require('aws-cdk-lib/recommended-feature-flags.json') };
  delete flags['@aws-cdk/core:target-partitions'];
  return {
    ...flags,
    'aws:cdk:enable-path-metadata': false,
    'aws:cdk:enable-asset-metadata': false,
    'aws:cdk:version-reporting': false,
    'aws:cdk:disable-stack-trace': true,
  };
}

/** Runs the integ app the way the cdk CLI would (CDK_OUTDIR, CDK_CONTEXT_JSON) and returns its output folder. */
function synthesizeIntegApp(): string {
  const outdir = newOutdir();
  const saved = { CDK_OUTDIR: process.env.CDK_OUTDIR, CDK_CONTEXT_JSON: process.env.CDK_CONTEXT_JSON };
  process.env.CDK_OUTDIR = outdir;
  process.env.CDK_CONTEXT_JSON = JSON.stringify(integRunnerContext());
  try {
    jest.isolateModules(() => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      require('./integ.event-tracker');
    });
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
  return outdir;
}

/** Asset hashes change with every bundle, and each synth salts the assertion calls: mask both. */
function maskVolatile(text: string): any {
  const json = JSON.parse(text.replace(/[0-9a-f]{64}/g, '<asset-hash>'));
  for (const resource of Object.values<any>(json.Resources ?? {})) {
    if (String(resource.Type).startsWith('Custom::DeployAssert@') && resource.Properties?.salt !== undefined) {
      resource.Properties.salt = '<salt>';
    }
  }
  return json;
}

function templateFiles(dir: string): string[] {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.template.json')).sort() : [];
}

/** Paths where two JSON values differ, at most `limit` of them. */
function jsonDifferences(expected: unknown, actual: unknown, at = '', limit = 20): string[] {
  if (JSON.stringify(expected) === JSON.stringify(actual)) return [];
  const isObject = (v: unknown) => typeof v === 'object' && v !== null;
  if (!isObject(expected) || !isObject(actual) || Array.isArray(expected) !== Array.isArray(actual)) {
    return [`${at || '(root)'}: expected ${JSON.stringify(expected)?.slice(0, 200)}, got ${JSON.stringify(actual)?.slice(0, 200)}`];
  }
  const keys = [...new Set([...Object.keys(expected as object), ...Object.keys(actual as object)])];
  return keys.flatMap((k) => jsonDifferences((expected as any)[k], (actual as any)[k], `${at}/${k}`, limit)).slice(0, limit);
}

/** Differences between the templates of a synthesized assembly and the snapshot, as readable lines. */
function compareWithSnapshot(outdir: string, snapshotDir: string): string[] {
  const expectedFiles = templateFiles(snapshotDir);
  const actualFiles = templateFiles(outdir);
  const problems: string[] = [];
  for (const missing of expectedFiles.filter((f) => !actualFiles.includes(f))) problems.push(`${missing}: in the snapshot, not synthesized`);
  for (const extra of actualFiles.filter((f) => !expectedFiles.includes(f))) problems.push(`${extra}: synthesized, not in the snapshot`);
  for (const file of actualFiles.filter((f) => expectedFiles.includes(f))) {
    const expected = maskVolatile(fs.readFileSync(path.join(snapshotDir, file), 'utf8'));
    const actual = maskVolatile(fs.readFileSync(path.join(outdir, file), 'utf8'));
    problems.push(...jsonDifferences(expected, actual).map((d) => `${file} ${d}`));
  }
  return problems;
}

/** Writes the snapshot: integ-runner's files (manifest, integ manifest, templates, asset manifests), masked; no tree.json, no assets. */
function writeSnapshot(outdir: string): void {
  fs.rmSync(SNAPSHOT_DIR, { recursive: true, force: true });
  fs.mkdirSync(SNAPSHOT_DIR);
  for (const file of fs.readdirSync(outdir).filter((f) => /^(manifest|integ)\.json$|\.(template|assets)\.json$/.test(f) || f === 'cdk.out')) {
    const text = fs.readFileSync(path.join(outdir, file), 'utf8');
    const content = file.endsWith('.json') ? `${JSON.stringify(maskVolatile(text), undefined, 1)}\n` : text;
    fs.writeFileSync(path.join(SNAPSHOT_DIR, file), content);
  }
}

let outdir: string;
let testStack: Template;
let assertionStack: Template;

beforeAll(() => {
  outdir = synthesizeIntegApp();
  const integManifest = JSON.parse(fs.readFileSync(path.join(outdir, 'integ.json'), 'utf8'));
  const testCase: any = Object.values(integManifest.testCases)[0];
  testStack = Template.fromJSON(JSON.parse(fs.readFileSync(path.join(outdir, `${TEST_STACK}.template.json`), 'utf8')));
  assertionStack = Template.fromJSON(JSON.parse(fs.readFileSync(path.join(outdir, `${testCase.assertionStackName}.template.json`), 'utf8')));
  if (UPDATE) writeSnapshot(outdir);
});

test('the test stack exports the trackingId of a tracker on its dataset group', () => {
  testStack.resourceCountIs('Custom::PersonalizeEventTracker', 1);
  const [trackerId] = Object.keys(testStack.findResources('Custom::PersonalizeEventTracker'));
  testStack.hasResourceProperties('Custom::PersonalizeEventTracker', { DatasetGroupArn: { Ref: 'DatasetGroup' } });
  testStack.hasOutput('TrackingId', {
    Value: { 'Fn::GetAtt': [trackerId, 'TrackingId'] },
    Export: { Name: 'EventTrackerInteg-TrackingId' },
  });
});

test('the assertion expects DescribeEventTracker to show ACTIVE and the exported trackingId', () => {
  const calls = assertionStack.findResources('Custom::DeployAssert@SdkCallPersonalizedescribeEventTracker');
  expect(Object.keys(calls)).toHaveLength(1);
  const call: any = Object.values(calls)[0];
  expect(call.Properties.service).toBe('Personalize');
  expect(call.Properties.api).toBe('describeEventTracker');
  expect(call.Properties.parameters.eventTrackerArn).toEqual({
    'Fn::Join': ['', ['"', { 'Fn::ImportValue': expect.stringMatching(new RegExp(`^${TEST_STACK}:ExportsOutputFnGetAtt.*EventTrackerArn`)) }, '"']],
  });
  // `expected` is a JSON text joined around the import: read it with the import as a placeholder.
  const [, parts] = call.Properties.expected['Fn::Join'];
  const expected = JSON.parse(parts.map((p: any) => (typeof p === 'string' ? p : `<import ${p['Fn::ImportValue']}>`)).join(''));
  expect(expected).toEqual({ $ObjectLike: { eventTracker: { status: 'ACTIVE', trackingId: '<import EventTrackerInteg-TrackingId>' } } });
});

test('integ.json runs the test case without the update workflow (the snapshot cannot be deployed)', () => {
  const integManifest = JSON.parse(fs.readFileSync(path.join(outdir, 'integ.json'), 'utf8'));
  expect(Object.values(integManifest.testCases)).toEqual([expect.objectContaining({ stacks: [TEST_STACK], stackUpdateWorkflow: false })]);
});

test('integ-runner finds exactly one integration test app in test/ (its TypeScript preset)', () => {
  const preset = /^integ\.(?!.*\.d\.ts$).*\.ts$/;
  const files = (fs.readdirSync(__dirname, { recursive: true }) as string[]).map((f) => path.basename(f));
  expect(files.filter((f) => preset.test(f))).toEqual(['integ.event-tracker.ts']);
});

test('the synthesized templates equal the committed snapshot (asset hashes and salts masked)', () => {
  expect(templateFiles(SNAPSHOT_DIR)).toEqual(templateFiles(outdir));
  expect(templateFiles(outdir)).toHaveLength(2);
  const problems = compareWithSnapshot(outdir, SNAPSHOT_DIR);
  if (problems.length > 0) {
    throw new Error(`The integ templates differ from ${path.relative(process.cwd(), SNAPSHOT_DIR)}:\n  ${problems.join('\n  ')}\n`
      + 'If the change is intended: UPDATE_INTEG_SNAPSHOT=1 npx jest test/integ-event-tracker-snapshot.test.ts, then review and commit the snapshot.');
  }
});

test('fails the comparison when a template changed', () => {
  const changed = newOutdir();
  for (const file of templateFiles(outdir)) fs.copyFileSync(path.join(outdir, file), path.join(changed, file));
  const file = path.join(changed, `${TEST_STACK}.template.json`);
  const template = JSON.parse(fs.readFileSync(file, 'utf8'));
  const [trackerId] = Object.keys(testStack.findResources('Custom::PersonalizeEventTracker'));
  template.Resources[trackerId].Properties.EventTrackerName = 'renamed';
  fs.writeFileSync(file, JSON.stringify(template));

  expect(compareWithSnapshot(changed, outdir)).toEqual([
    expect.stringContaining(`${TEST_STACK}.template.json /Resources/${trackerId}/Properties/EventTrackerName: expected "`),
  ]);
});

test('fails the comparison when a stack is missing, but not on a new asset hash or salt', () => {
  const changed = newOutdir();
  const [first, second] = templateFiles(outdir);
  const text = fs.readFileSync(path.join(outdir, first), 'utf8').replace(/[0-9a-f]{64}/g, 'f'.repeat(64)).replace(/"salt":\s*"\d+"/g, '"salt": "1"');
  fs.writeFileSync(path.join(changed, first), text);

  expect(compareWithSnapshot(changed, outdir)).toEqual([`${second}: in the snapshot, not synthesized`]);
});
