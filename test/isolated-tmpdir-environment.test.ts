import { execFileSync } from 'child_process';
import { existsSync } from 'fs';
import { tmpdir } from 'os';
import { basename } from 'path';

// The jest environment (test/helpers/isolated-tmpdir-environment.ts) must redirect the real
// os.tmpdir(), not only this file's copy of process.env: cdk.out folders go where os.tmpdir() says.
describe('each test file has its own temp folder', () => {
  test('os.tmpdir() is the folder the environment made for this file', () => {
    expect(basename(tmpdir())).toMatch(/^jest-/);
    expect(existsSync(tmpdir())).toBe(true);
    expect(process.env.TMPDIR).toBe(tmpdir());
  });

  test('a process the test spawns uses the same folder', () => {
    const seen = execFileSync(process.execPath, ['-p', 'require("os").tmpdir()'], { encoding: 'utf8' }).trim();
    expect(seen).toBe(process.env.TMPDIR);
    expect(basename(seen)).toMatch(/^jest-/);
  });
});
