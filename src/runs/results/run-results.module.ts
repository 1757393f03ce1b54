import { Module } from '@nestjs/common';
import { ResultWriteBatcher } from './result-write-batcher';
import { RunResultRepository } from './run-result.repository';

/**
 * The result writer. Its batcher is stateful (the group-commit queue and its in-flight cap), so this module is
 * the only one providing it: every user imports RunResultsModule and shares the one instance.
 */
@Module({
  providers: [RunResultRepository, ResultWriteBatcher],
  exports: [ResultWriteBatcher],
})
export class RunResultsModule {}
