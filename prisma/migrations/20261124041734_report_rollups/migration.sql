-- AlterTable
ALTER TABLE "run_brand_scores" ADD COLUMN     "geoShareOfAnswer" DECIMAL(11,10),
ADD COLUMN     "geoWeightedWords" DECIMAL(16,8),
ADD COLUMN     "trakkrPoints" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "brand_day_rollups" (
    "projectId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "brandId" UUID NOT NULL,
    "engineId" UUID NOT NULL,
    "promptId" UUID NOT NULL,
    "synthetic" BOOLEAN NOT NULL,
    "n" INTEGER NOT NULL,
    "mentioned" INTEGER NOT NULL,
    "aboveFold" INTEGER NOT NULL,
    "mentionCount" INTEGER NOT NULL,
    "orderSum" INTEGER NOT NULL,
    "bandTop" INTEGER NOT NULL,
    "bandMiddle" INTEGER NOT NULL,
    "bandBottom" INTEGER NOT NULL,
    "trakkrSum" INTEGER NOT NULL,
    "attentionSum" DECIMAL(30,10) NOT NULL,
    "streamScoreSum" DECIMAL(30,8) NOT NULL,
    "geoN" INTEGER NOT NULL,
    "geoWeightedSum" DECIMAL(30,8) NOT NULL,
    "geoShareSum" DECIMAL(30,10) NOT NULL,

    CONSTRAINT "brand_day_rollups_pkey" PRIMARY KEY ("projectId","day","brandId","engineId","promptId","synthetic")
);


-- Trakkr points of rows scored before they were stored (same formula as src/scoring/compatibility-scores.ts).
UPDATE "run_brand_scores" s
SET "trakkrPoints" = CASE
    WHEN x.named = 1 THEN 10
    ELSE greatest(1, round((10 - 9 * sqrt((s."order" - 1)::float8 / (x.named - 1)))::numeric))::int
  END
FROM (
  SELECT "runId", count(*) FILTER (WHERE mentioned) AS named FROM "run_brand_scores" GROUP BY "runId"
) x
WHERE x."runId" = s."runId" AND s.mentioned AND s."order" IS NOT NULL;

-- Rollup maintenance: every statement that inserts, updates or deletes score rows adds its rows' counts and
-- sums (deleted rows with a minus sign) to their day's rollup rows, in the same transaction. Keys are applied in
-- sorted order so concurrent writers lock rollup rows in the same order.
CREATE FUNCTION "brand_day_rollups_apply"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO "brand_day_rollups" AS r
    SELECT "projectId", ("observedAt" AT TIME ZONE 'UTC')::date, "brandId", "engineId", "promptId", synthetic,
      count(*), count(*) FILTER (WHERE mentioned), count(*) FILTER (WHERE "aboveFold"),
      coalesce(sum("mentionCount"), 0), coalesce(sum("order"), 0),
      count(*) FILTER (WHERE "relPosition" < 0.25),
      count(*) FILTER (WHERE "relPosition" >= 0.25 AND "relPosition" < 0.75),
      count(*) FILTER (WHERE "relPosition" >= 0.75),
      coalesce(sum("trakkrPoints"), 0), coalesce(sum(attention), 0), coalesce(sum("streamScore"), 0),
      count("geoWeightedWords"), coalesce(sum("geoWeightedWords"), 0), coalesce(sum("geoShareOfAnswer"), 0)
    FROM new_rows
    GROUP BY 1, 2, 3, 4, 5, 6
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT ("projectId", "day", "brandId", "engineId", "promptId", "synthetic") DO UPDATE SET
      n = r.n + EXCLUDED.n, mentioned = r.mentioned + EXCLUDED.mentioned,
      "aboveFold" = r."aboveFold" + EXCLUDED."aboveFold", "mentionCount" = r."mentionCount" + EXCLUDED."mentionCount",
      "orderSum" = r."orderSum" + EXCLUDED."orderSum", "bandTop" = r."bandTop" + EXCLUDED."bandTop",
      "bandMiddle" = r."bandMiddle" + EXCLUDED."bandMiddle", "bandBottom" = r."bandBottom" + EXCLUDED."bandBottom",
      "trakkrSum" = r."trakkrSum" + EXCLUDED."trakkrSum", "attentionSum" = r."attentionSum" + EXCLUDED."attentionSum",
      "streamScoreSum" = r."streamScoreSum" + EXCLUDED."streamScoreSum", "geoN" = r."geoN" + EXCLUDED."geoN",
      "geoWeightedSum" = r."geoWeightedSum" + EXCLUDED."geoWeightedSum",
      "geoShareSum" = r."geoShareSum" + EXCLUDED."geoShareSum";
  END IF;
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    INSERT INTO "brand_day_rollups" AS r
    SELECT "projectId", ("observedAt" AT TIME ZONE 'UTC')::date, "brandId", "engineId", "promptId", synthetic,
      -count(*), -count(*) FILTER (WHERE mentioned), -count(*) FILTER (WHERE "aboveFold"),
      -coalesce(sum("mentionCount"), 0), -coalesce(sum("order"), 0),
      -count(*) FILTER (WHERE "relPosition" < 0.25),
      -count(*) FILTER (WHERE "relPosition" >= 0.25 AND "relPosition" < 0.75),
      -count(*) FILTER (WHERE "relPosition" >= 0.75),
      -coalesce(sum("trakkrPoints"), 0), -coalesce(sum(attention), 0), -coalesce(sum("streamScore"), 0),
      -count("geoWeightedWords"), -coalesce(sum("geoWeightedWords"), 0), -coalesce(sum("geoShareOfAnswer"), 0)
    FROM old_rows
    GROUP BY 1, 2, 3, 4, 5, 6
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT ("projectId", "day", "brandId", "engineId", "promptId", "synthetic") DO UPDATE SET
      n = r.n + EXCLUDED.n, mentioned = r.mentioned + EXCLUDED.mentioned,
      "aboveFold" = r."aboveFold" + EXCLUDED."aboveFold", "mentionCount" = r."mentionCount" + EXCLUDED."mentionCount",
      "orderSum" = r."orderSum" + EXCLUDED."orderSum", "bandTop" = r."bandTop" + EXCLUDED."bandTop",
      "bandMiddle" = r."bandMiddle" + EXCLUDED."bandMiddle", "bandBottom" = r."bandBottom" + EXCLUDED."bandBottom",
      "trakkrSum" = r."trakkrSum" + EXCLUDED."trakkrSum", "attentionSum" = r."attentionSum" + EXCLUDED."attentionSum",
      "streamScoreSum" = r."streamScoreSum" + EXCLUDED."streamScoreSum", "geoN" = r."geoN" + EXCLUDED."geoN",
      "geoWeightedSum" = r."geoWeightedSum" + EXCLUDED."geoWeightedSum",
      "geoShareSum" = r."geoShareSum" + EXCLUDED."geoShareSum";
  END IF;
  RETURN NULL;
END
$$;

CREATE TRIGGER "brand_day_rollups_insert" AFTER INSERT ON "run_brand_scores"
  REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "brand_day_rollups_apply"();
CREATE TRIGGER "brand_day_rollups_update" AFTER UPDATE ON "run_brand_scores"
  REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "brand_day_rollups_apply"();
CREATE TRIGGER "brand_day_rollups_delete" AFTER DELETE ON "run_brand_scores"
  REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "brand_day_rollups_apply"();

-- Rollups of the rows already stored.
INSERT INTO "brand_day_rollups"
SELECT "projectId", ("observedAt" AT TIME ZONE 'UTC')::date, "brandId", "engineId", "promptId", synthetic,
  count(*), count(*) FILTER (WHERE mentioned), count(*) FILTER (WHERE "aboveFold"),
  coalesce(sum("mentionCount"), 0), coalesce(sum("order"), 0),
  count(*) FILTER (WHERE "relPosition" < 0.25),
  count(*) FILTER (WHERE "relPosition" >= 0.25 AND "relPosition" < 0.75),
  count(*) FILTER (WHERE "relPosition" >= 0.75),
  coalesce(sum("trakkrPoints"), 0), coalesce(sum(attention), 0), coalesce(sum("streamScore"), 0),
  count("geoWeightedWords"), coalesce(sum("geoWeightedWords"), 0), coalesce(sum("geoShareOfAnswer"), 0)
FROM "run_brand_scores"
GROUP BY 1, 2, 3, 4, 5, 6;
