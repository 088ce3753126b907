import { readFileSync } from 'fs';
import { Check, Section, kb, times } from './table';
import { synthesize, Variant, VARIANT_LABELS } from './variants';

/** The aws-cdk-lib the bench runs against (the devDependency). */
const AWS_CDK_LIB_VERSION: string = JSON.parse(readFileSync(require.resolve('aws-cdk-lib/package.json'), 'utf8')).version;

const VARIANTS: Variant[] = ['ours', 'providerPerTracker', 'awsCustomResource', 'bare'];
/** CloudFormation's limit of resources per stack. */
const MAX_RESOURCES = 500;
const MAX_BYTES_PER_TRACKER = 1_200;

export interface Footprint {
  readonly lambdas: number;
  readonly roles: number;
  readonly stateMachines: number;
  readonly resources: number;
  readonly bytes: number;
  /** Resources by CloudFormation type. */
  readonly types: Readonly<Record<string, number>>;
  /** Distinct file assets the template refers to (the aws:asset:path metadata), each staged into cdk.out. */
  readonly assets: number;
}

export function footprint(variant: Variant, trackers: number): Footprint {
  const { template } = synthesize(variant, trackers);
  const resources = Object.values<{ Type: string; Metadata?: Record<string, unknown> }>(JSON.parse(template).Resources);
  const types: Record<string, number> = {};
  for (const r of resources) types[r.Type] = (types[r.Type] ?? 0) + 1;
  return {
    lambdas: types['AWS::Lambda::Function'] ?? 0,
    roles: types['AWS::IAM::Role'] ?? 0,
    stateMachines: types['AWS::StepFunctions::StateMachine'] ?? 0,
    resources: resources.length,
    bytes: Buffer.byteLength(template),
    types,
    assets: new Set(resources.map((r) => r.Metadata?.['aws:asset:path']).filter((p) => p !== undefined)).size,
  };
}

/** What a variant adds once per stack and per tracker, split from its footprints at two sizes (linear). */
export interface Growth {
  readonly perStack: Readonly<Record<string, number>>;
  readonly perTracker: Readonly<Record<string, number>>;
  readonly assetsPerStack: number;
}

export function growth(at: { trackers: number; footprint: Footprint }, to: { trackers: number; footprint: Footprint }): Growth {
  const perStack: Record<string, number> = {};
  const perTracker: Record<string, number> = {};
  for (const type of new Set([...Object.keys(at.footprint.types), ...Object.keys(to.footprint.types)])) {
    const [a, b] = [at.footprint.types[type] ?? 0, to.footprint.types[type] ?? 0];
    const slope = (b - a) / (to.trackers - at.trackers);
    const fixed = a - slope * at.trackers;
    if (slope !== 0) perTracker[type] = slope;
    if (fixed !== 0) perStack[type] = fixed;
  }
  return { perStack, perTracker, assetsPerStack: at.footprint.assets };
}

/** "15 resources: 5 Lambda::Function, 4 IAM::Role, ..." (most frequent first). */
export function describeResources(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts).sort(([ta, a], [tb, b]) => b - a || ta.localeCompare(tb));
  const total = entries.reduce((sum, [, n]) => sum + n, 0);
  const format = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
  return `${format(total)} resource${total === 1 ? '' : 's'}: ${entries.map(([type, n]) => `${format(n)} ${type.replace(/^AWS::/, '')}`).join(', ')}`;
}

/** The fixed part of ours, per stack: its resources and file assets, measured at 1 and 2 trackers. */
export function describeOursPerStack(): string {
  const g = growth({ trackers: 1, footprint: footprint('ours', 1) }, { trackers: 2, footprint: footprint('ours', 2) });
  return `${describeResources(g.perStack)}; ${g.assetsPerStack} file assets`;
}

/** Footprint of each variant at each size; the per-tracker figures compare the first and last sizes. */
export function measureFootprint(sizes: readonly number[] = [1, 10, 50]): Section {
  const results = new Map(VARIANTS.map((v) => [v, sizes.map((n) => footprint(v, n))]));
  const first = sizes[0];
  const last = sizes[sizes.length - 1];
  const perTracker = (v: Variant, key: 'lambdas' | 'roles' | 'stateMachines' | 'resources' | 'bytes') => {
    const r = results.get(v)!;
    return (r[r.length - 1][key] - r[0][key]) / (last - first);
  };
  const ours = results.get('ours')!;

  const bySize = {
    header: ['variant', 'trackers', 'Lambda functions', 'IAM roles', 'state machines', 'resources', 'template', 'template vs ours'],
    rows: VARIANTS.flatMap((v) => results.get(v)!.map((f, i) => [
      VARIANT_LABELS[v], String(sizes[i]), String(f.lambdas), String(f.roles), String(f.stateMachines),
      String(f.resources), kb(f.bytes), times(f.bytes, ours[i].bytes),
    ])),
  };
  const perTrackerTable = {
    header: ['variant', 'bytes per added tracker', 'vs ours', 'Lambdas per added tracker', 'resources per added tracker'],
    rows: VARIANTS.map((v) => [
      VARIANT_LABELS[v], `${Math.round(perTracker(v, 'bytes'))} B`, times(perTracker(v, 'bytes'), perTracker('ours', 'bytes')),
      perTracker(v, 'lambdas').toFixed(1), perTracker(v, 'resources').toFixed(1),
    ]),
  };

  const overLimit = VARIANTS.flatMap((v) => results.get(v)!
    .map((f, i) => ({ f, n: sizes[i] }))
    .filter(({ f }) => f.resources > MAX_RESOURCES)
    .map(({ f, n }) => `${VARIANT_LABELS[v]} at ${n} trackers: ${f.resources} resources, over CloudFormation's ${MAX_RESOURCES} per stack.`));
  const bytesPerTracker = perTracker('ours', 'bytes');
  const at = (v: Variant, i: number) => ({ trackers: sizes[i], footprint: results.get(v)![i] });
  const oursGrowth = growth(at('ours', 0), at('ours', sizes.length - 1));
  const bareGrowth = growth(at('bare', 0), at('bare', sizes.length - 1));
  const checks: Check[] = [
    {
      figure: `ours: Lambda functions at ${last} trackers = at ${first}`,
      value: `${ours[ours.length - 1].lambdas} vs ${ours[0].lambdas}`,
      target: 'equal',
      pass: ours[ours.length - 1].lambdas === ours[0].lambdas,
    },
    {
      figure: 'ours: template bytes per added tracker',
      value: `${Math.round(bytesPerTracker)} B`,
      target: `<= ${MAX_BYTES_PER_TRACKER} B`,
      pass: bytesPerTracker <= MAX_BYTES_PER_TRACKER,
    },
  ];
  return {
    title: 'Footprint',
    tables: [bySize, perTrackerTable],
    notes: [
      'Template bytes: the synthesized template file (with the aws:cdk:path and asset metadata `cdk synth` adds); KB = 1000 B. '
        + `Bytes per added tracker = (bytes(${last}) - bytes(${first})) / ${last - first}; each tracker comes with its own CfnDatasetGroup, counted in every variant.`,
      `Ours per stack (the shared provider, whatever the number of trackers): ${describeResources(oursGrowth.perStack)}; `
        + `${oursGrowth.assetsPerStack} file assets (the handler bundle and the Provider framework's code). `
        + `Per added tracker: ${describeResources(oursGrowth.perTracker)} (bare: ${describeResources(bareGrowth.perTracker)}), `
        + `${Math.round(bytesPerTracker)} B of template (bare: ${Math.round(perTracker('bare', 'bytes'))} B).`,
      '(b) AwsCustomResource returns as soon as CreateEventTracker answers: it does not wait for ACTIVE, nor delete a replaced tracker first. '
        + `(c) is the native type, written as a CfnResource: aws-cdk-lib ${AWS_CDK_LIB_VERSION} has no class for it.`,
      ...overLimit,
    ],
    checks,
  };
}
