-- Report digest slices: each stored block above the hour (level >= 1: a day and up) split by the (engine,
-- prompt) its runs ran on, so reports filtered or grouped by engine, prompt or tag merge a few slices instead
-- of digesting every run of the range (docs/reports.md "Slices"). A block's slices are replaced in the same
-- transaction as the block itself, by the digest builder, and follow the block's dirty and stale marks.
CREATE TABLE "report_digest_slices" (
    "projectId" UUID NOT NULL,
    "level" SMALLINT NOT NULL,
    "start" TIMESTAMPTZ(3) NOT NULL,
    "engineId" UUID NOT NULL,
    "promptId" UUID NOT NULL,
    "runs" INTEGER NOT NULL,
    "digest" TEXT NOT NULL,

    CONSTRAINT "report_digest_slices_pkey" PRIMARY KEY ("projectId","level","start","engineId","promptId")
);

-- Blocks built before this migration have no slices: marked stale, so reports read their children (and, when
-- filtered, raw rows) until the builder has rebuilt them with their slices, children first.
INSERT INTO "report_stale_blocks" ("projectId", "level", "start", "markedAt")
SELECT "projectId", "level", "start", '1970-01-01T00:00:00Z' FROM "report_digests" WHERE "level" >= 1
ON CONFLICT DO NOTHING;
