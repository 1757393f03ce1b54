-- AlterTable
ALTER TABLE "run_results" ADD COLUMN     "estimatedCostUsd" DECIMAL(14,8);

-- CreateTable
CREATE TABLE "citations" (
    "id" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "url" TEXT NOT NULL,
    "domain" TEXT NOT NULL,
    "title" TEXT,
    "charStart" INTEGER,
    "charEnd" INTEGER,
    "arrivedAtUs" INTEGER NOT NULL,
    "brandId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "citations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "citations_projectId_domain_createdAt_idx" ON "citations"("projectId", "domain", "createdAt");

-- CreateIndex
CREATE INDEX "citations_projectId_brandId_createdAt_idx" ON "citations"("projectId", "brandId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "citations_runId_position_key" ON "citations"("runId", "position");

-- AddForeignKey
ALTER TABLE "citations" ADD CONSTRAINT "citations_runId_fkey" FOREIGN KEY ("runId") REFERENCES "runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

