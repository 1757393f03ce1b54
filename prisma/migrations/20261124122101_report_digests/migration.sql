-- CreateTable
CREATE TABLE "report_digests" (
    "projectId" UUID NOT NULL,
    "level" SMALLINT NOT NULL,
    "start" TIMESTAMPTZ(3) NOT NULL,
    "runs" INTEGER NOT NULL,
    "digest" TEXT NOT NULL,
    "builtAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "report_digests_pkey" PRIMARY KEY ("projectId","level","start")
);

-- CreateTable
CREATE TABLE "report_dirty_hours" (
    "id" BIGSERIAL NOT NULL,
    "projectId" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "report_dirty_hours_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "report_stale_blocks" (
    "projectId" UUID NOT NULL,
    "level" SMALLINT NOT NULL,
    "start" TIMESTAMPTZ(3) NOT NULL,
    "markedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "report_stale_blocks_pkey" PRIMARY KEY ("projectId","level","start")
);

-- CreateIndex
CREATE INDEX "report_dirty_hours_projectId_hour_idx" ON "report_dirty_hours"("projectId", "hour");


-- Dirty marking: every statement that inserts, updates or deletes score rows marks the UTC hours (of
-- observedAt, the report time axis) it touched, in the same transaction. Mentions and citations are inserted in
-- the same transaction as their run's score rows (RunLedgerRepository.saveRunResult), so only their updates and
-- deletes mark hours themselves, through their run's score rows.
--
-- Marks are appended, never upserted: a writer takes no lock on a shared row (concurrent runs in one project
-- hour do not queue behind each other), and a mark whose transaction has not committed is invisible to the
-- builder's claiming DELETE, so it survives the claim and the hour is digested again once the run is visible.
-- (An upsert that found a committed mark would leave none of its own: a builder claiming that mark before
-- the writer commits would digest the hour without the run and never return to it.) The builder collapses
-- duplicate marks when it claims them.
CREATE FUNCTION "report_dirty_hours_mark_scores"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "report_dirty_hours" ("projectId", "hour")
    SELECT DISTINCT "projectId", date_trunc('hour', "observedAt", 'UTC') FROM new_rows;
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    INSERT INTO "report_dirty_hours" ("projectId", "hour")
    SELECT DISTINCT "projectId", date_trunc('hour', "observedAt", 'UTC') FROM old_rows;
  END IF;
  RETURN NULL;
END
$$;

CREATE FUNCTION "report_dirty_hours_mark_run_rows"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' THEN
    INSERT INTO "report_dirty_hours" ("projectId", "hour")
    SELECT DISTINCT s."projectId", date_trunc('hour', s."observedAt", 'UTC')
    FROM run_brand_scores s WHERE s."runId" IN (SELECT "runId" FROM new_rows UNION SELECT "runId" FROM old_rows);
  ELSE
    INSERT INTO "report_dirty_hours" ("projectId", "hour")
    SELECT DISTINCT s."projectId", date_trunc('hour', s."observedAt", 'UTC')
    FROM run_brand_scores s WHERE s."runId" IN (SELECT "runId" FROM old_rows);
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "report_dirty_scores_insert" AFTER INSERT ON "run_brand_scores"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_dirty_hours_mark_scores"();
CREATE TRIGGER "report_dirty_scores_update" AFTER UPDATE ON "run_brand_scores"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_dirty_hours_mark_scores"();
CREATE TRIGGER "report_dirty_scores_delete" AFTER DELETE ON "run_brand_scores"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_dirty_hours_mark_scores"();
CREATE TRIGGER "report_dirty_mentions_update" AFTER UPDATE ON "mentions"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_dirty_hours_mark_run_rows"();
CREATE TRIGGER "report_dirty_mentions_delete" AFTER DELETE ON "mentions"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_dirty_hours_mark_run_rows"();
CREATE TRIGGER "report_dirty_citations_update" AFTER UPDATE ON "citations"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_dirty_hours_mark_run_rows"();
CREATE TRIGGER "report_dirty_citations_delete" AFTER DELETE ON "citations"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_dirty_hours_mark_run_rows"();

-- Every hour already holding rows is dirty: the builder digests them after the upgrade, and until then
-- reports read those hours from raw rows, exactly as before.
INSERT INTO "report_dirty_hours" ("projectId", "hour")
SELECT DISTINCT "projectId", date_trunc('hour', "observedAt", 'UTC') FROM "run_brand_scores";
