import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

// The environment every projen task runs with (.projen/tasks.json, set in .projenrc.ts): what it
// silences stays silent in the test command, the demo, the build and CI.

const ROOT = path.join(__dirname, '..');
const SDK_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';
const taskEnv: Record<string, string> = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8')).env;

/** Node.js creating a Personalize client, as the handler and the tests do, in the given environment. */
function createClient(env: NodeJS.ProcessEnv) {
  const script = 'const { PersonalizeClient } = require("@aws-sdk/client-personalize"); new PersonalizeClient({ region: "us-east-1" });';
  return spawnSync(process.execPath, ['-e', script], { cwd: ROOT, env, encoding: 'utf8' });
}

/** This process's environment without what the tasks set (the test command itself runs as a task). */
function withoutTaskEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env[SDK_SWITCH];
  return env;
}

describe('the tasks\' environment', () => {
  test('silences the AWS SDK\'s notice that its releases after January 2027 need Node.js 22', () => {
    if (Number(process.versions.node.split('.')[0]) < 22) {
      // The notice this is about: the SDK prints it on this Node.js, once for each jest test file that creates a client.
      expect(createClient(withoutTaskEnv()).stderr).toContain('NodeVersionSupportWarning');
    }
    const { PATH: _path, ...exported } = taskEnv;
    const result = createClient({ ...withoutTaskEnv(), ...exported });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
  });
});
