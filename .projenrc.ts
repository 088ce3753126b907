import { awscdk, javascript } from 'projen';

// Environment every task runs with: no phone-home, no banners (see ../shared/TOOLCHAIN.md, trap 6).
const offlineEnv = {
  JSII_SILENCE_SUPPORT_WARNING: '1',
  JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION: '20',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
};

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-personalize-event-tracker',
  description: 'An AWS CDK L2 construct for Amazon Personalize event trackers, backed by a custom resource that handles replacement, rollback and teardown.',
  author: 'cdk-personalize-event-tracker maintainers',
  authorAddress: 'maintainers@users.noreply.example',
  repositoryUrl: 'https://github.com/example/cdk-personalize-event-tracker.git',
  keywords: ['cdk', 'aws-cdk', 'personalize', 'event-tracker', 'custom-resource'],
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  // The first version in which IDatasetGroupRef has its lasting jsii name
  // (aws-cdk-lib.interfaces.aws_personalize.IDatasetGroupRef).
  cdkVersion: '2.224.0',
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  minNodeVersion: '20.16.0',

  github: false,
  release: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  buildWorkflow: false,

  devDeps: [
    'typescript@~6.0.0',
    'aws-cdk@^2',
    'esbuild@^0.28',
    '@aws-sdk/client-personalize@^3',
    '@aws-sdk/client-personalize-events@^3',
    '@smithy/core@^3',
    'aws-sdk-client-mock@^4.1',
    '@types/aws-lambda@^8',
    'cdk-nag@~2.38.0',
    '@aws-cdk/integ-tests-alpha@2.214.0-alpha.0',
    'fast-check@^4',
  ],

  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'lambda', 'examples', 'bench', 'projenrc', '.projenrc.ts'],
  },

  jestOptions: {
    // Snapshots must be able to fail: write them on purpose with `npx projen test:update`.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    jestConfig: {
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testTimeout: 60_000,
      setupFilesAfterEnv: ['<rootDir>/test/helpers/isolated-tmpdir.ts'],
      coveragePathIgnorePatterns: ['/node_modules/', '/test/', '/assets/'],
    },
  },
});

// npm ci rejects a lock file without this pin (TOOLCHAIN.md, trap 1).
project.package.addField('overrides', { 'unrs-resolver': '1.12.2' });

for (const [name, value] of Object.entries(offlineEnv)) {
  project.tasks.addEnvironment(name, value);
}

// The handler is bundled once at build time and shipped in the npm package.
const bundleHandler = project.addTask('bundle:handler', {
  description: 'Bundle the custom resource handler (lambda/) into assets/event-tracker/index.js',
  exec: 'esbuild lambda/event-tracker/index.ts --bundle --platform=node --target=node22 --format=cjs --minify --legal-comments=none --outfile=assets/event-tracker/index.js',
});

// esbuild and ts-jest only strip types: type-check everything jsii does not compile.
const typecheck = project.addTask('typecheck', {
  description: 'Type-check lambda/, examples/, test/ and bench/',
  steps: [
    { exec: 'tsc --noEmit -p lambda/tsconfig.json' },
    { exec: 'tsc --noEmit -p test/tsconfig.json' },
    { exec: 'tsc --noEmit -p examples/tsconfig.json' },
    { exec: 'tsc --noEmit -p bench/tsconfig.json' },
  ],
});

project.preCompileTask.spawn(typecheck);
project.preCompileTask.spawn(bundleHandler);
project.testTask.prependSpawn(bundleHandler);

// The main job: synthesize the example app with the real cdk CLI, then deploy it against the emulator.
project.addTask('demo', {
  description: 'Synthesize examples/ with the cdk CLI and deploy its event tracker against the local Personalize emulator',
  steps: [
    { spawn: bundleHandler.name },
    { exec: 'ts-node --transpile-only --project examples/tsconfig.json examples/demo/main.ts' },
  ],
});

project.addTask('bench', {
  description: 'Footprint, synth scaling, handler start-up and deploy latency, side by side with the alternatives',
  steps: [
    { spawn: bundleHandler.name },
    { exec: 'ts-node --transpile-only --project bench/tsconfig.json bench/main.ts' },
  ],
});

// Random CloudFormation histories checked against a model of the lifecycle (test/model/); the test
// command runs a short version (test/model/lifecycle.model.test.ts).
project.addTask('soak', {
  description: 'Run 1,000 random CloudFormation histories with fresh seeds against the lifecycle model (SOAK_RUNS, SOAK_SEED, SOAK_WORKERS: see test/model/soak.ts)',
  steps: [
    { spawn: bundleHandler.name },
    { exec: 'ts-node --transpile-only --project test/tsconfig.json test/model/soak.ts' },
  ],
});

project.gitignore.addPatterns('/assets/', 'cdk.out/', '*.cdk.out/', '/test/.readme-*/');
project.addPackageIgnore('/lambda/');
project.addPackageIgnore('/examples/');
project.addPackageIgnore('/bench/');
project.addPackageIgnore('/.ci/');
project.addPackageIgnore('cdk.out/');

project.synth();
