import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');

/** The README's TypeScript examples, each as a module: its imports, then the rest. */
function readmeExamples(): string[] {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  return [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]);
}

/** Examples that do not make their own app get one, as `app` and `stack`, like a user's code would have. */
function asModule(example: string): string {
  const lines = example.split('\n');
  const imports = lines.filter((line) => line.startsWith('import '));
  const body = lines.filter((line) => !imports.includes(line));
  const fixture = example.includes('new App(') ? [] : [
    "import { App as ReadmeApp, Stack as ReadmeStack } from 'aws-cdk-lib';",
    'const app = new ReadmeApp();',
    "const stack = new ReadmeStack(app, 'ReadmeExample');",
    'void app;',
  ];
  return [...imports, ...fixture, ...body, 'export {};'].join('\n');
}

test('every TypeScript example in the README compiles against the library', () => {
  const examples = readmeExamples();
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
