import { spawn } from 'child_process';
import * as path from 'path';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const EXAMPLE_APP_DIR = path.join(REPO_ROOT, 'examples', 'app');
const CDK_CLI = path.join(REPO_ROOT, 'node_modules', '.bin', 'cdk');

export interface SynthResult {
  /** The cloud assembly folder (cdk.json's "output"). */
  readonly outdir: string;
  readonly cliVersion: string;
  readonly durationMs: number;
  /** Warnings the CLI printed (CDK annotations). */
  readonly warnings: string[];
}

/**
 * Runs `cdk synth` in examples/app, as a user would. The child gets no AWS credentials and no
 * instance metadata lookups, so synthesis provably needs no account.
 */
export async function synthesizeExample(): Promise<SynthResult> {
  const started = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env, CDK_DISABLE_CLI_TELEMETRY: 'true', AWS_EC2_METADATA_DISABLED: 'true' };
  for (const name of Object.keys(env).filter((n) => /^AWS_(ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|PROFILE|ENDPOINT_URL.*)$/.test(n))) {
    delete env[name];
  }
  const cliVersion = (await run(CDK_CLI, ['--version'], env)).trim();
  const output = await run(CDK_CLI, ['synth', '--no-notices', '--quiet'], env);
  return {
    outdir: path.join(EXAMPLE_APP_DIR, 'cdk.out'),
    cliVersion,
    durationMs: Date.now() - started,
    warnings: output.split('\n').filter((line) => /^\[?WARNING|^\[Warning/i.test(line.trim())),
  };
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: EXAMPLE_APP_DIR, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString('utf8'); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) {
        resolve(output);
      } else {
        reject(new Error(`${path.basename(command)} ${args.join(' ')} exited with ${code}:\n${output}`));
      }
    });
  });
}
