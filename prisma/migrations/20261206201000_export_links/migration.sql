-- Export links (docs/export-links.md): a read-only CSV link to one report of one project, for spreadsheets and
-- BI tools. The token is the credential; only its SHA-256 is stored (the lookup index). Deleting the project
-- deletes its links.
CREATE TABLE "export_links" (
    "id" UUID NOT NULL,
    "workspaceId" UUID NOT NULL,
    "projectId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "report" TEXT NOT NULL,
    "filters" JSONB NOT NULL,
    "windowDays" INTEGER NOT NULL,
    "prefix" TEXT NOT NULL,
    "tokenHash" BYTEA NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),
    "expiresAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "export_links_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "export_links_tokenHash_key" ON "export_links"("tokenHash");

-- CreateIndex
CREATE INDEX "export_links_projectId_createdAt_idx" ON "export_links"("projectId", "createdAt");

-- AddForeignKey
ALTER TABLE "export_links" ADD CONSTRAINT "export_links_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
