import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

// The npm package ships assets/ as it is on disk, and the construct loads its handler from there: a
// tarball packed without the bundle installs fine, then fails at synth with "Cannot find asset".
// npx projen test:compat installs the real tarball in an app and synthesizes it; these are the fast checks.

const ROOT = path.join(__dirname, '..');
const HANDLER_ASSET = 'assets/event-tracker/index.js';

interface TaskStep {
  readonly spawn?: string;
  readonly exec?: string;
  readonly execArgs?: string[];
}

const tasks: Record<string, { steps?: TaskStep[] }> = JSON.parse(fs.readFileSync(path.join(ROOT, '.projen', 'tasks.json'), 'utf8')).tasks;

/** The commands a task runs, in order, with the tasks it spawns expanded in place. */
function commandsOf(name: string): string[] {
  return (tasks[name]?.steps ?? []).flatMap((step) => {
    if (step.spawn) {
      return [`spawn ${step.spawn}`, ...commandsOf(step.spawn)];
    }
    return [step.exec ?? step.execArgs?.join(' ') ?? ''];
  });
}

/** jsii-pacmak runs npm pack for every language it packages; test/compat/run.js runs npm pack itself. */
const packs = (command: string) => /\bjsii-pacmak\b|\bnpm pack\b|test\/compat\/run\.js/.test(command);

function npmPack(cwd: string, ...args: string[]) {
  return spawnSync('npm', ['pack', '--dry-run', '--json', '--logs-max=0', ...args], { cwd, encoding: 'utf8' });
}

describe('the npm package', () => {
  test('every task that packs the library bundles the handler first', () => {
    const packing = Object.keys(tasks).filter((name) => commandsOf(name).some(packs));
    // The tasks users and CI pack with: if the pattern stopped matching them, the check below would pass on nothing.
    expect(packing).toEqual(expect.arrayContaining(['package', 'package:js', 'package-all', 'package:bindings', 'build', 'test:compat']));

    const packingBeforeBundling = packing.filter((name) => {
      const commands = commandsOf(name);
      return commands.findIndex(packs) < commands.indexOf('spawn bundle:handler') || !commands.includes('spawn bundle:handler');
    });
    expect(packingBeforeBundling).toEqual([]);
  });

  test('npm pack ships the handler bundle', () => {
    expect(fs.existsSync(path.join(ROOT, HANDLER_ASSET))).toBe(true);
    // Without the prepack check: the test command does not compile, and the check is tested below.
    const result = npmPack(ROOT, '--ignore-scripts');
    expect(result.status).toBe(0);
    const [{ files }] = JSON.parse(result.stdout) as Array<{ files: Array<{ path: string }> }>;
    expect(files.map((file) => file.path)).toContain(HANDLER_ASSET);
  });

  test('fails: npm pack without the handler bundle, naming the file and the command that builds it', () => {
    // The package as a fresh clone has it, before anything is built.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pack-'));
    try {
      fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
      fs.cpSync(path.join(ROOT, 'projenrc'), path.join(dir, 'projenrc'), { recursive: true });
      const result = npmPack(dir);
      expect(result.status).not.toBe(0);
      expect(result.stderr).toContain(`${HANDLER_ASSET} is missing`);
      expect(result.stderr).toContain('npx projen bundle:handler');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
