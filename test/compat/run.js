// npx projen test:compat: the library as users get it, on the newest CDK.
//
// Packs the library (npm pack of the jsii build), installs it into a copy of this folder's app
// in a temp folder (npm ci from this folder's own lock file, so the run is repeatable), and checks:
// - the tarball holds the compiled library, its jsii assembly and the handler bundle;
// - cdk synth of app.js with a strong and with a weak cross-stack reference to the trackingId;
// - cdk-nag's AwsSolutions report of those synths: no unacknowledged finding; and of a control synth
//   without the app's acknowledgments of its own function: findings there, and only there;
// - the contract suite (test/contract, which runs the shipped handler bundle) on the Node.js major
//   of the handler's Lambda runtime, with the Node.js binary from the app's lock file, under the
//   Provider framework of the app's aws-cdk-lib: the driver loads that aws-cdk-lib's framework code
//   (DRIVER_AWS_CDK_LIB) and the provider of the tracker stack the app synthesized (DRIVER_TEMPLATE).
//   That framework requires @aws-sdk/client-lambda and @aws-sdk/client-sfn, which the app must provide.
// Prints the versions it tested; exits non-zero on any failure. Leaves no file behind.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..');
const APP_FILES = ['package.json', 'package-lock.json', 'app.js'];
const TRACKER_STACK = 'CompatTracker';
const INGEST_STACK = 'CompatIngest';
const NAG_PLUGIN = 'AwsSolutions';
const HANDLER_ASSET = 'assets/event-tracker/index.js';

const env = {
  ...process.env,
  // The machine's CA bundle, or npm's calls fail on TLS: npm's own, and those of the npm that the
  // node package's preinstall script runs to fetch the Node.js binary for this platform.
  NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS || '/etc/ssl/certs/ca-certificates.crt',
  CDK_DISABLE_CLI_TELEMETRY: 'true',
};

class CheckFailed extends Error {}

function run(command, args, cwd, options = {}) {
  console.log(`::: ${path.relative(ROOT, cwd) || '.'}$ ${[command, ...args].join(' ')}`);
  const result = spawnSync(command, args, { cwd, env: options.env ?? env, stdio: options.capture ? 'pipe' : 'inherit', encoding: 'utf8' });
  if (result.error) {
    throw new CheckFailed(`${command} could not start: ${result.error.message}`);
  }
  if (result.status !== 0 && !options.allowFailure) {
    throw new CheckFailed(`${command} ${args.join(' ')} exited with ${result.status}${options.capture ? `:\n${result.stderr}` : ''}`);
  }
  return result;
}

function check(condition, message, fix) {
  if (!condition) {
    throw new CheckFailed(fix ? `${message}. ${fix}` : message);
  }
  console.log(`ok  ${message}`);
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function installedVersion(app, name) {
  return readJson(path.join(app, 'node_modules', name, 'package.json')).version;
}

/**
 * npm pack of the built library: the tarball users install. npm's prepack (projenrc/check-package.js)
 * refuses to pack without the built files; the tarball must also hold them, or an app installs it and
 * fails: without the handler bundle at synth, with "Cannot find asset".
 */
function packLibrary(work) {
  const [{ filename, files }] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], ROOT, { capture: true }).stdout);
  const packed = new Set(files.map((file) => file.path));
  for (const built of ['lib/index.js', '.jsii', HANDLER_ASSET]) {
    check(packed.has(built), `the tarball has ${built}`, 'Check .npmignore (generated from .projenrc.ts).');
  }
  return path.join(work, filename);
}

function installApp(work, tarball) {
  const app = path.join(work, 'app');
  fs.mkdirSync(app);
  for (const file of APP_FILES) {
    fs.copyFileSync(path.join(__dirname, file), path.join(app, file));
  }
  run('npm', ['ci', '--no-audit', '--no-fund'], app);
  // Not saved: the lock file stays the one committed, and the library is whatever was just packed.
  run('npm', ['install', '--no-save', '--no-audit', '--no-fund', tarball], app);
  return app;
}

function printVersions(app, node) {
  const lines = [
    ['cdk-personalize-event-tracker', `${installedVersion(app, 'cdk-personalize-event-tracker')} (packed from this checkout)`],
    ['aws-cdk-lib', installedVersion(app, 'aws-cdk-lib')],
    ['constructs', installedVersion(app, 'constructs')],
    ['aws-cdk (cdk CLI)', installedVersion(app, 'aws-cdk')],
    ['cdk-nag', installedVersion(app, 'cdk-nag')],
    ['Node.js for cdk synth', process.version],
    ['Node.js for the contract suite', run(node, ['--version'], app, { capture: true }).stdout.trim()],
  ];
  console.log('::: versions tested');
  for (const [name, version] of lines) {
    console.log(`    ${name.padEnd(32)} ${version}`);
  }
}

function resources(template, type) {
  return Object.entries(template.Resources ?? {}).filter(([, resource]) => resource.Type === type);
}

function synth(app, reference, { nagControl = false } = {}) {
  const name = nagControl ? 'nag-control' : reference;
  const outdir = path.join(app, `cdk.out.${name}`);
  const cdk = path.join(app, 'node_modules', '.bin', 'cdk');
  const context = ['-c', `reference=${reference}`, ...(nagControl ? ['-c', 'nag-control=true'] : [])];
  // Not failing here on a non-zero exit: cdk-nag's findings also fail the synth, and they are reported below.
  const result = run(cdk, ['synth', '--no-notices', '--quiet', '--app', `"${process.execPath}" app.js`, ...context, '--output', outdir], app, { allowFailure: true });
  const templateFile = (stack) => path.join(outdir, `${stack}.template.json`);
  check(fs.existsSync(templateFile(TRACKER_STACK)) && fs.existsSync(templateFile(INGEST_STACK)), `${name}: cdk synth wrote both stacks' templates`);
  return {
    name,
    reference,
    exitStatus: result.status,
    tracker: readJson(templateFile(TRACKER_STACK)),
    trackerTemplateFile: templateFile(TRACKER_STACK),
    ingest: readJson(templateFile(INGEST_STACK)),
    validationReport: path.join(outdir, 'validation-report.json'),
  };
}

/** The trackingId as the ingest function's environment reads it. */
function trackingIdValue(ingest) {
  const functions = resources(ingest, 'AWS::Lambda::Function');
  const value = functions.map(([, fn]) => fn.Properties.Environment?.Variables?.TRACKING_ID).find((v) => v !== undefined);
  if (value === undefined) {
    throw new CheckFailed(`${INGEST_STACK} has no function with a TRACKING_ID variable`);
  }
  return value;
}

function checkReference(result) {
  const { reference, tracker, ingest } = result;
  const value = trackingIdValue(ingest);
  const ingestJson = JSON.stringify(ingest);
  const outputs = Object.entries(tracker.Outputs ?? {});
  const trackingIdOutputs = outputs.filter(([, output]) => JSON.stringify(output.Value).includes('"TrackingId"'));
  if (reference === 'strong') {
    check(typeof value['Fn::ImportValue'] === 'string', `strong: TRACKING_ID is Fn::ImportValue (${JSON.stringify(value)})`);
    const exportNames = trackingIdOutputs.map(([, output]) => output.Export?.Name);
    check(exportNames.includes(value['Fn::ImportValue']), `strong: ${TRACKER_STACK} exports the trackingId under that name (${exportNames.join(', ')})`);
    check(!ingestJson.includes('Fn::GetStackOutput'), `strong: ${INGEST_STACK} has no Fn::GetStackOutput`);
  } else {
    const read = value['Fn::GetStackOutput'];
    check(read !== undefined && read.StackName === TRACKER_STACK, `weak: TRACKING_ID is Fn::GetStackOutput of ${TRACKER_STACK} (${JSON.stringify(value)})`);
    const output = tracker.Outputs?.[read.OutputName];
    check(output !== undefined && JSON.stringify(output.Value).includes('"TrackingId"'), `weak: ${TRACKER_STACK} has the output ${read.OutputName} with the trackingId`);
    check(output.Export === undefined, `weak: that output has no Export`);
    check(!ingestJson.includes('Fn::ImportValue'), `weak: ${INGEST_STACK} has no Fn::ImportValue`);
  }
}

function nagFindings({ name, validationReport }) {
  check(fs.existsSync(validationReport), `${name}: cdk synth wrote a validation report`);
  const reports = readJson(validationReport).pluginReports ?? [];
  const nag = reports.find((report) => report.pluginName === NAG_PLUGIN);
  const otherErrors = reports.filter((report) => report !== nag)
    .flatMap((report) => report.violations.filter((v) => v.severity === 'error').map((v) => `${report.pluginName}: ${v.ruleName}`));
  check(otherErrors.length === 0, `${name}: no validation error from other plugins (${otherErrors.join('; ') || 'none'})`);
  // A plugin that finds nothing is left out of the report.
  return (nag?.violations ?? []).flatMap((violation) => violation.violatingConstructs.map((c) => ({ rule: violation.ruleName, path: c.constructPath })));
}

function checkNagReport(result) {
  const findings = nagFindings(result);
  for (const { rule, path: constructPath } of findings) {
    console.log(`    finding: ${rule} on ${constructPath}`);
  }
  check(findings.length === 0, `${result.name}: ${NAG_PLUGIN} has no unacknowledged finding (${findings.length} found)`);
  check(result.exitStatus === 0, `${result.name}: cdk synth exited with 0`);
}

/** The same app without its own acknowledgments: the checks must run, and find only the app's function. */
function checkNagControl(result) {
  const findings = nagFindings(result);
  const rules = [...new Set(findings.map((f) => f.rule))].sort();
  check(findings.length > 0 && result.exitStatus !== 0, `${result.name}: ${NAG_PLUGIN} ran and failed the synth on the app's unacknowledged findings (${rules.join(', ')})`);
  const elsewhere = findings.filter((f) => !f.path.startsWith(`${INGEST_STACK}/RecordInteraction/`));
  check(elsewhere.length === 0, `${result.name}: every finding is on the app's own function (${elsewhere.map((f) => `${f.rule} on ${f.path}`).join('; ') || 'none elsewhere'})`);
}

/** The Node.js major of the Lambda runtime the library's own handler functions declare. */
function handlerNodeMajor(tracker) {
  const handlers = resources(tracker, 'AWS::Lambda::Function')
    .filter(([, fn]) => ['index.onEvent', 'index.isComplete'].includes(fn.Properties.Handler));
  const runtimes = [...new Set(handlers.map(([, fn]) => fn.Properties.Runtime))];
  const match = runtimes.length === 1 ? /^nodejs(\d+)\.x$/.exec(runtimes[0]) : null;
  if (handlers.length !== 2 || !match) {
    throw new CheckFailed(`expected the two handler functions on one nodejs<N>.x runtime, found ${handlers.length} on ${runtimes.join(', ')}`);
  }
  return { runtime: runtimes[0], major: Number(match[1]) };
}

function runContractSuite(app, node, { runtime, major }, trackerTemplate) {
  const version = run(node, ['--version'], app, { capture: true }).stdout.trim();
  check(version.startsWith(`v${major}.`), `the Node.js binary (${version}) has the major of the handler runtime ${runtime}`,
    `Set "node": "^${major}" in test/compat/package.json and run npm install there.`);
  const awsCdkLib = path.join(app, 'node_modules', 'aws-cdk-lib');
  const runtimeDir = path.join(awsCdkLib, 'custom-resources', 'lib', 'provider-framework', 'runtime');
  const missing = ['@aws-sdk/client-lambda', '@aws-sdk/client-sfn'].filter((name) => {
    try {
      require.resolve(name, { paths: [runtimeDir] });
      return false;
    } catch {
      return true;
    }
  });
  check(missing.length === 0, `the app provides what aws-cdk-lib's framework requires (${missing.join(', ') || 'all found'})`,
    `Add ${missing.join(' and ')} to test/compat/package.json's dependencies and run npm install there (the Lambda runtime provides them in AWS).`);
  // Its own reporters: the JUnit report of the main test run stays as it is.
  run(node, [path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), 'test/contract', '--ci', '--coverage=false', '--reporters=default'], ROOT, {
    env: { ...env, PATH: `${path.dirname(node)}${path.delimiter}${env.PATH}`, DRIVER_AWS_CDK_LIB: awsCdkLib, DRIVER_TEMPLATE: trackerTemplate },
  });
  console.log(`ok  the contract suite passed on Node.js ${version} under the Provider framework of aws-cdk-lib ${installedVersion(app, 'aws-cdk-lib')}`);
  return version;
}

function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'test-compat-'));
  try {
    const tarball = packLibrary(work);
    const app = installApp(work, tarball);
    const node = fs.realpathSync(path.join(app, 'node_modules', '.bin', 'node'));
    printVersions(app, node);

    const results = ['strong', 'weak'].map((reference) => synth(app, reference));
    const control = synth(app, 'strong', { nagControl: true });
    results.forEach(checkReference);
    results.forEach(checkNagReport);
    checkNagControl(control);
    const nodeVersion = runContractSuite(app, node, handlerNodeMajor(results[0].tracker), results[0].trackerTemplateFile);
    const tested = ['aws-cdk-lib', 'constructs', 'aws-cdk', 'cdk-nag'].map((name) => `${name} ${installedVersion(app, name)}`);
    console.log(`::: test:compat passed: ${tested.join(', ')}, handler on Node.js ${nodeVersion}`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

try {
  main();
} catch (error) {
  console.error(`::: test:compat FAILED: ${error instanceof CheckFailed ? error.message : error.stack}`);
  process.exitCode = 1;
}
