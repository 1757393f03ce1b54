-- CreateEnum
CREATE TYPE "AlertRuleKind" AS ENUM ('mention_rate_drop', 'competitor_overtake', 'above_fold_change', 'first_own_domain_citation');

-- CreateTable
CREATE TABLE "alert_rules" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "kind" "AlertRuleKind" NOT NULL,
    "params" JSONB NOT NULL,
    "brandId" UUID,
    "competitorId" UUID,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "firing" BOOLEAN NOT NULL DEFAULT false,
    "side" TEXT,
    "lastValue" DOUBLE PRECISION,
    "lastEvaluatedAt" TIMESTAMPTZ(3),
    "lastRunId" UUID,
    "lastTriggeredAt" TIMESTAMPTZ(3),
    "lastError" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_events" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "ruleId" UUID NOT NULL,
    "ruleName" TEXT NOT NULL,
    "kind" "AlertRuleKind" NOT NULL,
    "transition" TEXT NOT NULL,
    "runId" UUID NOT NULL,
    "figures" JSONB NOT NULL,
    "synthetic" BOOLEAN NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "alert_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alert_rules_workspaceId_projectId_createdAt_idx" ON "alert_rules"("workspaceId", "projectId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "alert_rules_projectId_enabled_idx" ON "alert_rules"("projectId", "enabled");

-- CreateIndex
CREATE INDEX "alert_events_projectId_createdAt_idx" ON "alert_events"("projectId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "alert_events_runId_idx" ON "alert_events"("runId");

-- CreateIndex
CREATE UNIQUE INDEX "alert_events_ruleId_runId_key" ON "alert_events"("ruleId", "runId");

-- AddForeignKey
ALTER TABLE "alert_rules" ADD CONSTRAINT "alert_rules_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

