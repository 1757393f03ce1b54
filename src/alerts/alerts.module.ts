import { Module } from '@nestjs/common';
import { BrandsModule } from '../brands/brands.module';
import { ProjectsModule } from '../projects/projects.module';
import { AlertEvaluationQueue } from './alert-evaluation-queue.service';
import { AlertEvaluationProcessor } from './alert-evaluation.processor';
import { AlertEvaluationRepository } from './alert-evaluation.repository';
import { AlertEvaluationService } from './alert-evaluation.service';
import { AlertPreviewRepository } from './alert-preview.repository';
import { AlertPreviewService } from './alert-preview.service';
import { AlertRuleRepository } from './alert-rule.repository';
import { AlertRuleService } from './alert-rule.service';
import { AlertRulesController } from './alert-rules.controller';

/**
 * Alerts: rules per project, evaluated by the worker each time a run lands, and the alert log. The run
 * executor only enqueues (AlertLandingModule); evaluation and `alert.triggered` webhooks happen in the
 * alerts queue's worker, so alerts can never fail a run.
 */

/** The alert rules and alert log API (ROLE api or all). */
@Module({
  imports: [ProjectsModule, BrandsModule],
  controllers: [AlertRulesController],
  providers: [AlertRuleRepository, AlertRuleService, AlertPreviewRepository, AlertPreviewService],
})
export class AlertsModule {}

/** Enqueues the evaluation of a landed run; imported by the runs worker. */
@Module({
  providers: [AlertEvaluationQueue],
  exports: [AlertEvaluationQueue],
})
export class AlertLandingModule {}

/** Evaluates alert rules (ROLE worker or all). */
@Module({
  providers: [AlertEvaluationRepository, AlertEvaluationService, AlertEvaluationProcessor],
  exports: [AlertEvaluationService],
})
export class AlertsWorkerModule {}
