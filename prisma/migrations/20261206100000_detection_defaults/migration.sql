-- Detection defaults a marketer would choose (docs/metrics.md, "Detection rules").
ALTER TABLE "brands" ADD COLUMN "ambiguous" BOOLEAN NOT NULL DEFAULT false;

-- Until now the API stored every alias rule explicitly, the old defaults included (caseSensitive false,
-- foldDiacritics false), so an alias that never chose them cannot be told from one that did. Drop the stored
-- old defaults: those aliases take the new ones (the rule chosen on purpose, true, is kept). Stored mentions
-- follow after a backfill of each project (POST /v1/projects/{projectId}/backfills).
UPDATE "brands" b
SET "aliases" = (
  SELECT coalesce(
    jsonb_agg(
      a.alias
        - (CASE WHEN a.alias -> 'caseSensitive' = 'false'::jsonb THEN 'caseSensitive' ELSE '' END)
        - (CASE WHEN a.alias -> 'foldDiacritics' = 'false'::jsonb THEN 'foldDiacritics' ELSE '' END)
      ORDER BY a.ord
    ),
    '[]'::jsonb
  )
  FROM jsonb_array_elements(b."aliases") WITH ORDINALITY AS a(alias, ord)
)
WHERE jsonb_typeof(b."aliases") = 'array' AND jsonb_array_length(b."aliases") > 0;
