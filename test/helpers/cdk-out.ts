import { readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

const existingAtStart = new Set(cdkOutFolders());

function cdkOutFolders(): string[] {
  return readdirSync(tmpdir()).filter((name) => name.startsWith('cdk.out'));
}

/** app.synth() in tests writes /tmp/cdk.out* folders: remove the ones this test file made. */
export function cleanUpCdkOut(): void {
  for (const name of cdkOutFolders()) {
    if (!existingAtStart.has(name)) {
      rmSync(join(tmpdir(), name), { recursive: true, force: true });
    }
  }
}
