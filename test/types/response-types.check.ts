// Compile-time half of the API contract (checked by `tsc`, nothing runs): what each service returns must be
// assignable to the type of the response schema documented in openapi.json. A documented field the code does
// not return, or returns with another type, fails the typecheck before any test runs. (Extra undocumented
// fields are structurally allowed here; the strict schemas catch them at run time in the spec tests.)
import { type z } from 'zod';
import {
  type apiKeyListResponseSchema,
  type createdApiKeyResponseSchema,
} from '../../src/auth/dto/api-key.dto';
import { type ApiKeyService } from '../../src/auth/api-key.service';
import { type BackfillRequests } from '../../src/backfill/backfill-requests.service';
import {
  type backfillListResponseSchema,
  type backfillResponseSchema,
} from '../../src/backfill/dto/backfill.dto';
import {
  type brandResponseSchema,
  type brandWriteResponseSchema,
  type BrandView,
  type BrandWriteView,
} from '../../src/brands/dto/brand.dto';
import { type engineResponseSchema, type EngineView } from '../../src/engines/dto/engine.dto';
import { type HealthController } from '../../src/health/health.controller';
import { type liveResponseSchema, type readyResponseSchema } from '../../src/health/dto/health.dto';
import { type projectResponseSchema, type ProjectView } from '../../src/projects/dto/project.dto';
import { type promptResponseSchema, type PromptView } from '../../src/prompts/dto/prompt.dto';
import { type ArrivalReportService } from '../../src/reports/arrival-report.service';
import { type CitationReportService } from '../../src/reports/citation-report.service';
import {
  type arrivalReportResponseSchema,
  type citationReportResponseSchema,
  type headToHeadReportResponseSchema,
  type mentionReportResponseSchema,
  type trendReportResponseSchema,
} from '../../src/reports/dto/report.dto';
import { type MentionReportService } from '../../src/reports/mention-report.service';
import {
  type runDetailResponseSchema,
  type runNowResponseSchema,
  type runPageResponseSchema,
  type runTokensResponseSchema,
} from '../../src/runs/api/dto/run.dto';
import { type RunNowService } from '../../src/runs/api/run-now.service';
import { type RunQueryService } from '../../src/runs/api/run-query.service';
import { type usageResponseSchema } from '../../src/usage/dto/usage-response.dto';
import { type UsageService } from '../../src/usage/usage.service';
import {
  type createdWebhookResponseSchema,
  type CreatedWebhookView,
  type webhookDeliveryPageResponseSchema,
  type webhookResponseSchema,
  type WebhookView,
} from '../../src/webhooks/dto/webhook.dto';
import { type WebhookService } from '../../src/webhooks/webhook.service';

/** Compiles only when `Actual` (what the code returns) is assignable to `Documented` (the schema's type). */
type Conforms<Documented, Actual extends Documented> = Actual;
type Out<T extends (...args: never[]) => unknown> = Awaited<ReturnType<T>>;

export type ResponseTypeChecks = [
  Conforms<z.infer<typeof projectResponseSchema>, ProjectView>,
  Conforms<z.infer<typeof brandResponseSchema>, BrandView>,
  Conforms<z.infer<typeof brandWriteResponseSchema>, BrandWriteView>,
  Conforms<z.infer<typeof engineResponseSchema>, EngineView>,
  Conforms<z.infer<typeof promptResponseSchema>, PromptView>,
  Conforms<z.infer<typeof webhookResponseSchema>, WebhookView>,
  Conforms<z.infer<typeof createdWebhookResponseSchema>, CreatedWebhookView>,
  Conforms<z.infer<typeof webhookDeliveryPageResponseSchema>, Out<WebhookService['deliveries']>>,
  Conforms<z.infer<typeof createdApiKeyResponseSchema>, Out<ApiKeyService['create']>>,
  Conforms<z.infer<typeof apiKeyListResponseSchema>, { data: Out<ApiKeyService['list']> }>,
  Conforms<z.infer<typeof backfillResponseSchema>, Out<BackfillRequests['get']>>,
  Conforms<z.infer<typeof backfillListResponseSchema>, Out<BackfillRequests['list']>>,
  Conforms<z.infer<typeof runNowResponseSchema>, Out<RunNowService['runNow']>>,
  Conforms<z.infer<typeof runPageResponseSchema>, Out<RunQueryService['list']>>,
  Conforms<z.infer<typeof runDetailResponseSchema>, Out<RunQueryService['detail']>>,
  Conforms<z.infer<typeof runTokensResponseSchema>, Out<RunQueryService['tokens']>>,
  Conforms<z.infer<typeof mentionReportResponseSchema>, Out<MentionReportService['mentions']>>,
  Conforms<z.infer<typeof headToHeadReportResponseSchema>, Out<MentionReportService['headToHead']>>,
  Conforms<z.infer<typeof trendReportResponseSchema>, Out<MentionReportService['trend']>>,
  Conforms<z.infer<typeof citationReportResponseSchema>, Out<CitationReportService['citations']>>,
  Conforms<z.infer<typeof arrivalReportResponseSchema>, Out<ArrivalReportService['arrival']>>,
  Conforms<z.infer<typeof usageResponseSchema>, Out<UsageService['report']>>,
  Conforms<z.infer<typeof liveResponseSchema>, ReturnType<HealthController['live']>>,
  Conforms<z.infer<typeof readyResponseSchema>, Out<HealthController['ready']>>,
];
