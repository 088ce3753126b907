import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import type { Template } from './provider-template';

/**
 * The library's EventTracker as an app synthesizes it: one stack with a dataset group and a tracker,
 * so one custom resource and the provider behind it. Synthesized once per process (per test file
 * under jest) into a temporary folder that is deleted at once; `inspect` may read the cloud assembly
 * before that. DRIVER_TEMPLATE names a template file synthesized elsewhere instead (test:compat
 * synthesizes one with the packed library and the newest aws-cdk-lib).
 */
export function eventTrackerTemplate(): Template {
  cached ??= process.env.DRIVER_TEMPLATE
    ? JSON.parse(readFileSync(process.env.DRIVER_TEMPLATE, 'utf8'))
    : synthesizeEventTracker((assembly) => assembly.template);
  return cached!;
}

let cached: Template | undefined;

export interface SynthesizedAssembly {
  /** The cloud assembly folder (deleted after `inspect` returns). */
  readonly outdir: string;
  readonly template: Template;
}

export function synthesizeEventTracker<T>(inspect: (assembly: SynthesizedAssembly) => T): T {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { App, Stack } = require('aws-cdk-lib') as typeof import('aws-cdk-lib');
  const { CfnDatasetGroup } = require('aws-cdk-lib/aws-personalize') as typeof import('aws-cdk-lib/aws-personalize');
  const { EventTracker } = require('../../src') as typeof import('../../src');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const outdir = mkdtempSync(join(tmpdir(), 'cdk.out-driver-'));
  try {
    const app = new App({ outdir });
    const stack = new Stack(app, 'EventTrackerStack');
    new EventTracker(stack, 'Tracker', { datasetGroup: new CfnDatasetGroup(stack, 'DatasetGroup', { name: 'shop' }) });
    const template = app.synth().getStackByName(stack.stackName).template as Template;
    return inspect({ outdir, template });
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
