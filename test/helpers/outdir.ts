import { mkdtempSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

/**
 * A fresh folder for a cloud assembly. It lives in this test file's own TMPDIR
 * (test/helpers/isolated-tmpdir-environment.ts), which is removed after the file's tests.
 */
export function newOutdir(): string {
  return mkdtempSync(join(tmpdir(), 'cdk.out-'));
}
