import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import * as cdk from 'aws-cdk-lib';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');

/**
 * An example whose first line is `// Needs aws-cdk-lib >= X.Y.Z ...` uses an API newer than the
 * aws-cdk-lib installed here (the supported minimum): it is compiled only against X.Y.Z or later.
 */
const NEEDS_MARKER = /^\/\/ Needs aws-cdk-lib >= (\d+)\.(\d+)\.(\d+)\b/;

interface ReadmeExample {
  readonly code: string;
  /** The aws-cdk-lib version the example needs, from its marker line. */
  readonly needs?: [number, number, number];
}

/** The README's TypeScript examples, each as a module: its imports, then the rest. */
function readmeExamples(): ReadmeExample[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => {
    const code = match[1];
    const firstLine = code.split('\n')[0];
    if (firstLine.startsWith('// Needs') && !NEEDS_MARKER.test(firstLine)) {
      throw new Error(`README example marker '${firstLine}' is not of the form '// Needs aws-cdk-lib >= X.Y.Z (what it needs)'.`);
    }
    const needs = NEEDS_MARKER.exec(firstLine);
    return { code, needs: needs ? [Number(needs[1]), Number(needs[2]), Number(needs[3])] : undefined };
  });
}

function installedCdkVersion(): [number, number, number] {
  const { version } = JSON.parse(readFileSync(require.resolve('aws-cdk-lib/package.json'), 'utf8'));
  const [major, minor, patch] = version.split('.').map(Number);
  return [major, minor, patch];
}

function atLeast(version: [number, number, number], needed: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) {
    if (version[i] !== needed[i]) return version[i] > needed[i];
  }
  return true;
}

/**
 * An example as a module: its imports, then the rest. Nothing is added: an example declares what it
 * uses (`declare const stack: Stack;` or a real declaration), as a reader copying it must.
 */
function asModule(example: string): string {
  const lines = example.split('\n');
  const imports = lines.filter((line) => line.startsWith('import '));
  const body = lines.filter((line) => !imports.includes(line));
  return [...imports, ...body, 'export {};'].join('\n');
}

test('an example skipped for a newer aws-cdk-lib imports a name the installed aws-cdk-lib lacks, so a marker hides nothing that compiles', () => {
  const installed = installedCdkVersion();
  const exported = cdk as unknown as Record<string, unknown>;
  const skipped = readmeExamples().filter((example) => example.needs && !atLeast(installed, example.needs));
  for (const example of skipped) {
    const imported = [...example.code.matchAll(/^import \{([^}]*)\} from 'aws-cdk-lib';$/gm)]
      .flatMap((match) => match[1].split(',').map((name) => name.trim()).filter(Boolean));
    expect(imported.filter((name) => exported[name] === undefined)).not.toEqual([]);
  }
});

test('every TypeScript example in the README compiles against the library', () => {
  const installed = installedCdkVersion();
  const examples = readmeExamples()
    .filter((example) => !example.needs || atLeast(installed, example.needs))
    .map((example) => example.code);
  expect(examples.length).toBeGreaterThanOrEqual(8);

  const dir = mkdtempSync(path.join(ROOT, 'test', '.readme-'));
  try {
    const files = examples.map((example, i) => {
      const file = path.join(dir, `example${i}.ts`);
      writeFileSync(file, asModule(example));
      return file;
    });
    const program = ts.createProgram(files, {
      strict: true,
      noEmit: true,
      noUnusedLocals: false,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      esModuleInterop: true,
      skipLibCheck: true,
      types: ['node'],
      baseUrl: ROOT,
      paths: { 'cdk-personalize-event-tracker': ['src/index.ts'] },
    });
    const problems = ts.getPreEmitDiagnostics(program)
      .filter((diagnostic) => diagnostic.file && files.includes(path.resolve(diagnostic.file.fileName)))
      .map((diagnostic) => `${path.basename(diagnostic.file!.fileName)}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
    expect(problems).toEqual([]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
