import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import NodeEnvironment from 'jest-environment-node';

/**
 * Runs every test file with its own TMPDIR, removed when the file is done: app.synth()
 * writes cdk.out folders there, and so does anything else that asks os.tmpdir(),
 * including the processes a test spawns.
 *
 * This has to be a test environment, not a setup file: jest hands test code a copy of
 * process.env, while os.tmpdir() reads the worker's real environment. The environment
 * runs in the worker itself, outside the test's sandbox, so it can change the real one.
 * A worker runs its test files one after the other, so the change never crosses files.
 */
export default class IsolatedTmpdirEnvironment extends NodeEnvironment {
  private readonly dir: string;
  private readonly previous: string | undefined;

  constructor(...args: ConstructorParameters<typeof NodeEnvironment>) {
    const previous = process.env.TMPDIR;
    const dir = mkdtempSync(join(tmpdir(), 'jest-'));
    // Before super(): that is where the test's copy of process.env is taken.
    process.env.TMPDIR = dir;
    super(...args);
    this.previous = previous;
    this.dir = dir;
  }

  async teardown(): Promise<void> {
    await super.teardown();
    rmSync(this.dir, { recursive: true, force: true });
    if (this.previous === undefined) {
      delete process.env.TMPDIR;
    } else {
      process.env.TMPDIR = this.previous;
    }
  }
}
