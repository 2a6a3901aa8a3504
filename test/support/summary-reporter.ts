import type { Reporter, TestModule } from 'vitest/node';

/** Prints one closing line, "tests: N passed, N failed[, N skipped]", that CI reads as the test count. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0, pending: 0 };
    for (const module of modules) for (const test of module.children.allTests()) counts[test.result().state]++;
    const skipped = counts.skipped + counts.pending;
    const failed = counts.failed + modules.filter((m) => m.state() === 'failed' && m.children.size === 0).length;
    process.stdout.write(`\ntests: ${counts.passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
