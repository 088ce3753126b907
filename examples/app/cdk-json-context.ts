import * as fs from 'fs';
import * as path from 'path';

/**
 * The context cdk.json gives the app (its feature flags), for synthesizing it in-process, e.g. in
 * tests, exactly as `cdk synth` in this folder would.
 */
export function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, 'cdk.json'), 'utf8'));
  return { ...cdkJson.context };
}
