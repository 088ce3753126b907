import * as fs from 'fs';
import { SynthesizedStack } from './cloud-assembly';
import { LocalDeployment } from './local-deployment';
import { lambdaHandler } from './provider';
import { shortId } from './template-summary';
import { invokeLambda } from '../../test/driver';

/** A Lambda function of a template, with its environment resolved, ready to run in this process. */
export interface LocalFunction {
  readonly logicalId: string;
  readonly file: string;
  readonly exportName: string;
  readonly runtime: string;
  readonly timeoutSeconds: number;
  readonly environment: Record<string, string>;
}

export interface InvocationOutcome {
  readonly result: unknown;
  readonly durationMs: number;
  readonly logs: string[];
}

/** Reads a function from the template: its code in cdk.out, its handler, and its environment (resolved). */
export function readFunction(stack: SynthesizedStack, logicalId: string, deployment: LocalDeployment): LocalFunction {
  const handler = lambdaHandler(stack, logicalId);
  const variables = stack.resource(logicalId).Properties?.Environment?.Variables ?? {};
  return {
    logicalId,
    file: handler.file,
    exportName: handler.exportName,
    runtime: handler.runtime,
    timeoutSeconds: handler.timeoutSeconds,
    environment: deployment.resolve(stack.name, variables),
  };
}

/**
 * Runs the function the way Lambda would: a fresh load of the bundled module with the function's
 * environment variables set, the event passed through JSON, the result back through JSON, the
 * function's timeout enforced (by the test driver's invokeLambda).
 */
export async function invokeLocally(fn: LocalFunction, event: unknown, region: string, account: string): Promise<InvocationOutcome> {
  Object.assign(process.env, fn.environment);
  delete require.cache[require.resolve(fn.file)];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const module = require(fn.file);
  const handler = module[fn.exportName];
  if (typeof handler !== 'function') {
    throw new Error(`${fs.existsSync(fn.file) ? fn.file : 'the bundle'} does not export a function ${fn.exportName}`);
  }
  const config = { functionName: shortId(fn.logicalId), timeoutMs: fn.timeoutSeconds * 1000, region, account };
  const invocation = await invokeLambda(handler, config, JSON.stringify(event), false);
  const payload = JSON.parse(invocation.payload);
  if (invocation.functionError) {
    throw new Error(`${config.functionName} failed: ${payload.errorMessage}\n${invocation.logs.map((l) => l.text).join('\n')}`);
  }
  return { result: payload, durationMs: invocation.durationMs, logs: invocation.logs.map((l) => l.text) };
}
