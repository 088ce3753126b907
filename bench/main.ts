import { writeFileSync } from 'fs';
import { cpus } from 'os';
import { join } from 'path';
import { measureDeployLatency } from './deploy-latency';
import { measureFootprint } from './footprint';
import { measureHandlerStartup } from './handler-startup';
import { measureSynthTime } from './synth-time';
import { checksTable, renderMarkdown, renderText, Section } from './table';

/** Run one after the other: each would slow the others' timings down on a 2-core machine. */
const MEASUREMENTS: ReadonlyArray<() => Section | Promise<Section>> = [
  () => measureFootprint(),
  () => measureSynthTime(),
  () => measureHandlerStartup(),
  () => measureDeployLatency(),
];

async function main(): Promise<void> {
  const started = Date.now();
  const machine = `Node ${process.version}, ${cpus().length} x ${cpus()[0]?.model.trim() ?? 'unknown CPU'}`;
  console.log(`Benchmarks (${machine})\n`);
  const sections: Section[] = [];
  for (const [i, measure] of MEASUREMENTS.entries()) {
    const sectionStart = Date.now();
    const section = await measure();
    sections.push(section);
    console.log(`== ${i + 1}. ${section.title} (${((Date.now() - sectionStart) / 1000).toFixed(1)} s)\n`);
    for (const table of section.tables) console.log(`${renderText(table)}\n`);
    for (const note of section.notes) console.log(`* ${note}`);
    console.log(`\n${renderText(checksTable(section.checks))}\n`);
  }

  const checks = sections.flatMap((s) => s.checks);
  const missed = checks.filter((c) => !c.pass);
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  const summary = `${checks.length - missed.length} of ${checks.length} targets met`
    + (missed.length > 0 ? `; MISSED: ${missed.map((c) => `${c.figure} = ${c.value} (required ${c.target})`).join('; ')}` : '');
  writeFileSync(join(__dirname, 'RESULTS.md'), markdown(sections, machine, summary));
  for (const c of missed) console.log(`MISSED: ${c.figure}: ${c.value}, required ${c.target}`);
  console.log(`bench: ${summary} (${seconds} s; results in bench/RESULTS.md)`);
  process.exitCode = missed.length > 0 ? 1 : 0;
}

function markdown(sections: readonly Section[], machine: string, summary: string): string {
  const parts = [
    '# Benchmark results',
    '',
    `Written by \`npx projen bench\` on ${new Date().toISOString().slice(0, 10)} (${machine}); do not edit by hand.`,
    '',
    `**${summary}.**`,
  ];
  for (const [i, section] of sections.entries()) {
    parts.push('', `## ${i + 1}. ${section.title}`);
    for (const table of section.tables) parts.push('', renderMarkdown(table));
    parts.push('', ...section.notes.map((n) => `- ${n}`), '', renderMarkdown(checksTable(section.checks)));
  }
  return `${parts.join('\n')}\n`;
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
