// The order test files start in. Vitest starts the files that took longest in the last run first,
// so that no worker is left with a long file at the end; without a last run (a fresh checkout, as
// in CI) it starts the largest files first. Size says little here: the browser tests and those that
// start processes of their own are short files and the longest to run, so they go first.
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const long = /\/test\/e2e\/|\.browser\.test\.ts$|\/test\/[^/]+\.int\.test\.ts$/;

export class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    if (sorted.every((file) => this.ctx.cache.getTestSpecificationResult(file))) return sorted;
    const isLong = (file: TestSpecification) => long.test(file.moduleId);
    return [...sorted.filter(isLong), ...sorted.filter((file) => !isLong(file))];
  }
}
