-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "ApiKeyRole" AS ENUM ('admin', 'read');

-- CreateEnum
CREATE TYPE "BrandKind" AS ENUM ('own', 'competitor');

-- CreateEnum
CREATE TYPE "ProviderKind" AS ENUM ('openai', 'anthropic', 'gemini', 'perplexity', 'openai-compatible', 'demo');

-- CreateEnum
CREATE TYPE "RunStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'skipped');

-- CreateEnum
CREATE TYPE "RunTrigger" AS ENUM ('schedule', 'manual');

-- CreateTable
CREATE TABLE "workspaces" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "workspaces_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "api_keys" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "role" "ApiKeyRole" NOT NULL,
    "prefix" TEXT NOT NULL,
    "hash" BYTEA NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "api_keys_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "projects" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "foldTokens" INTEGER NOT NULL DEFAULT 150,
    "halfLifeMs" INTEGER NOT NULL DEFAULT 10000,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "projects_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "brands" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "BrandKind" NOT NULL,
    "aliases" JSONB NOT NULL,
    "exclusions" TEXT[],
    "domains" TEXT[],
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "brands_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "engines" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "provider" "ProviderKind" NOT NULL,
    "model" TEXT NOT NULL,
    "parameters" JSONB NOT NULL,
    "baseUrl" TEXT,
    "credentialCiphertext" BYTEA,
    "credentialLast4" TEXT,
    "disabledReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "engines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "tracked_prompts" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "text" TEXT NOT NULL,
    "tags" TEXT[],
    "cron" TEXT NOT NULL,
    "timezone" TEXT NOT NULL,
    "samplesPerSlot" INTEGER NOT NULL DEFAULT 1,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "nextSlotAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "tracked_prompts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "prompt_engines" (
    "promptId" UUID NOT NULL,
    "engineId" UUID NOT NULL,

    CONSTRAINT "prompt_engines_pkey" PRIMARY KEY ("promptId","engineId")
);

-- CreateTable
CREATE TABLE "manual_run_requests" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "promptId" UUID NOT NULL,
    "idempotencyKey" TEXT,
    "requestHash" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "manual_run_requests_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "runs" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "promptId" UUID NOT NULL,
    "engineId" UUID NOT NULL,
    "slotKey" TEXT NOT NULL,
    "slotAt" TIMESTAMPTZ(3) NOT NULL,
    "sample" INTEGER NOT NULL,
    "trigger" "RunTrigger" NOT NULL,
    "status" "RunStatus" NOT NULL DEFAULT 'queued',
    "synthetic" BOOLEAN NOT NULL DEFAULT false,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "attemptToken" UUID,
    "failureReason" TEXT,
    "failureMessage" TEXT,
    "skipReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "runs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "run_attempts" (
    "id" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "token" UUID NOT NULL,
    "startedAt" TIMESTAMPTZ(3) NOT NULL,
    "finishedAt" TIMESTAMPTZ(3),
    "outcome" TEXT,
    "reasonCode" TEXT,
    "httpStatus" INTEGER,
    "message" TEXT,
    "retryAfterMs" INTEGER,

    CONSTRAINT "run_attempts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "run_results" (
    "runId" UUID NOT NULL,
    "attemptToken" UUID NOT NULL,
    "complete" BOOLEAN NOT NULL,
    "answerText" TEXT NOT NULL,
    "reasoningText" TEXT,
    "finishReason" TEXT,
    "flags" TEXT[],
    "responseModel" TEXT,
    "inputTokens" INTEGER,
    "outputTokens" INTEGER,
    "requestSentAt" TIMESTAMPTZ(3) NOT NULL,
    "headersUs" INTEGER,
    "ttftUs" INTEGER,
    "durationUs" INTEGER NOT NULL,
    "chunkArrivalsUs" INTEGER[],
    "chunkEnds" INTEGER[],
    "tokenEnds" INTEGER[],
    "tokenArrivalsUs" INTEGER[],
    "answerTokens" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "run_results_pkey" PRIMARY KEY ("runId")
);

-- CreateTable
CREATE TABLE "mentions" (
    "id" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "brandId" UUID NOT NULL,
    "matched" TEXT NOT NULL,
    "charStart" INTEGER NOT NULL,
    "charEnd" INTEGER NOT NULL,
    "tokenIndex" INTEGER NOT NULL,
    "visibleAtUs" INTEGER NOT NULL,
    "sinceFirstTokenUs" INTEGER NOT NULL,
    "relPosition" DECIMAL(9,8) NOT NULL,
    "sentenceIndex" INTEGER NOT NULL,
    "listRank" INTEGER,
    "inHeading" BOOLEAN NOT NULL,
    "inBold" BOOLEAN NOT NULL,
    "snippet" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "mentions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "run_brand_scores" (
    "runId" UUID NOT NULL,
    "brandId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "promptId" UUID NOT NULL,
    "engineId" UUID NOT NULL,
    "observedAt" TIMESTAMPTZ(3) NOT NULL,
    "synthetic" BOOLEAN NOT NULL,
    "mentioned" BOOLEAN NOT NULL,
    "mentionCount" INTEGER NOT NULL,
    "firstVisibleAtUs" INTEGER,
    "sinceFirstTokenUs" INTEGER,
    "firstTokenIndex" INTEGER,
    "relPosition" DECIMAL(9,8),
    "order" INTEGER,
    "aboveFold" BOOLEAN NOT NULL,
    "attention" DECIMAL(11,10) NOT NULL,
    "streamScore" DECIMAL(11,8) NOT NULL,

    CONSTRAINT "run_brand_scores_pkey" PRIMARY KEY ("runId","brandId")
);

-- CreateIndex
CREATE UNIQUE INDEX "api_keys_hash_key" ON "api_keys"("hash");

-- CreateIndex
CREATE INDEX "api_keys_workspaceId_createdAt_idx" ON "api_keys"("workspaceId", "createdAt");

-- CreateIndex
CREATE INDEX "projects_workspaceId_createdAt_idx" ON "projects"("workspaceId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "projects_workspaceId_name_key" ON "projects"("workspaceId", "name");

-- CreateIndex
CREATE INDEX "brands_workspaceId_projectId_idx" ON "brands"("workspaceId", "projectId");

-- CreateIndex
CREATE UNIQUE INDEX "brands_projectId_name_key" ON "brands"("projectId", "name");

-- CreateIndex
CREATE INDEX "engines_workspaceId_createdAt_idx" ON "engines"("workspaceId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "engines_workspaceId_name_key" ON "engines"("workspaceId", "name");

-- CreateIndex
CREATE INDEX "tracked_prompts_workspaceId_projectId_createdAt_idx" ON "tracked_prompts"("workspaceId", "projectId", "createdAt");

-- CreateIndex
CREATE INDEX "tracked_prompts_nextSlotAt_idx" ON "tracked_prompts"("nextSlotAt");

-- CreateIndex
CREATE INDEX "prompt_engines_engineId_idx" ON "prompt_engines"("engineId");

-- CreateIndex
CREATE UNIQUE INDEX "manual_run_requests_workspaceId_idempotencyKey_key" ON "manual_run_requests"("workspaceId", "idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "runs_slotKey_key" ON "runs"("slotKey");

-- CreateIndex
CREATE INDEX "runs_workspaceId_createdAt_idx" ON "runs"("workspaceId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "runs_projectId_createdAt_idx" ON "runs"("projectId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "runs_promptId_slotAt_idx" ON "runs"("promptId", "slotAt");

-- CreateIndex
CREATE INDEX "runs_status_updatedAt_idx" ON "runs"("status", "updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "run_attempts_token_key" ON "run_attempts"("token");

-- CreateIndex
CREATE UNIQUE INDEX "run_attempts_runId_attempt_key" ON "run_attempts"("runId", "attempt");

-- CreateIndex
CREATE INDEX "mentions_runId_charStart_idx" ON "mentions"("runId", "charStart");

-- CreateIndex
CREATE INDEX "mentions_projectId_brandId_createdAt_idx" ON "mentions"("projectId", "brandId", "createdAt");

-- CreateIndex
CREATE INDEX "run_brand_scores_projectId_observedAt_brandId_idx" ON "run_brand_scores"("projectId", "observedAt", "brandId");

-- CreateIndex
CREATE INDEX "run_brand_scores_projectId_brandId_observedAt_idx" ON "run_brand_scores"("projectId", "brandId", "observedAt");

-- AddForeignKey
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "projects" ADD CONSTRAINT "projects_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "brands" ADD CONSTRAINT "brands_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "engines" ADD CONSTRAINT "engines_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "tracked_prompts" ADD CONSTRAINT "tracked_prompts_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prompt_engines" ADD CONSTRAINT "prompt_engines_promptId_fkey" FOREIGN KEY ("promptId") REFERENCES "tracked_prompts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "prompt_engines" ADD CONSTRAINT "prompt_engines_engineId_fkey" FOREIGN KEY ("engineId") REFERENCES "engines"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "manual_run_requests" ADD CONSTRAINT "manual_run_requests_workspaceId_fkey" FOREIGN KEY ("workspaceId") REFERENCES "workspaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_attempts" ADD CONSTRAINT "run_attempts_runId_fkey" FOREIGN KEY ("runId") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_results" ADD CONSTRAINT "run_results_runId_fkey" FOREIGN KEY ("runId") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "mentions" ADD CONSTRAINT "mentions_runId_fkey" FOREIGN KEY ("runId") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "run_brand_scores" ADD CONSTRAINT "run_brand_scores_runId_fkey" FOREIGN KEY ("runId") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

