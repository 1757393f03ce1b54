-- CreateEnum
CREATE TYPE "BackfillStatus" AS ENUM ('queued', 'running', 'succeeded', 'failed', 'superseded');

-- CreateTable
CREATE TABLE "backfills" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "status" "BackfillStatus" NOT NULL DEFAULT 'queued',
    "reason" TEXT NOT NULL,
    "totalRuns" INTEGER NOT NULL DEFAULT 0,
    "processedRuns" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "backfills_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "backfills_projectId_createdAt_idx" ON "backfills"("projectId", "createdAt" DESC);

-- CreateIndex
CREATE INDEX "backfills_workspaceId_createdAt_idx" ON "backfills"("workspaceId", "createdAt" DESC);

