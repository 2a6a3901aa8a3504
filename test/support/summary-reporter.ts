import type { Reporter, TestModule } from 'vitest/node';

/** Prints one closing line, "tests: N passed, N failed[, N skipped]", that CI reads as the test count. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0, pending: 0 };
    for (const module of modules) for (const test of module.children.allTests()) counts[test.result().state]++;
    const skipped = counts.skipped + counts.pending;
    // A module that failed with no failing test (an import error, a failing beforeAll that left its tests
    // skipped) counts as one failure, so the line never says 0 failed for a red run.
    const failed = counts.failed + modules.filter((m) => m.state() === 'failed' && ![...m.children.allTests('failed')].length).length;
    process.stdout.write(`\ntests: ${counts.passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
  }
}
