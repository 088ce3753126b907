import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

// Every test file gets its own TMPDIR: app.synth() writes cdk.out folders there (and so does
// anything else that asks os.tmpdir()), and this file's afterAll removes exactly its own,
// whatever other jest workers do at the same time.
const previous = process.env.TMPDIR;
const dir = mkdtempSync(join(tmpdir(), 'jest-'));
process.env.TMPDIR = dir;

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (previous === undefined) {
    delete process.env.TMPDIR;
  } else {
    process.env.TMPDIR = previous;
  }
});
