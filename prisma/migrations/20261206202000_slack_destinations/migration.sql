-- Slack destinations (docs/alerts.md "Slack"): a webhook's `format` says how its bodies are written, the signed
-- JSON event (`standard`, every existing webhook) or a Slack incoming-webhook message (`slack`).
CREATE TYPE "WebhookFormat" AS ENUM ('standard', 'slack');

-- AlterTable
ALTER TABLE "webhooks" ADD COLUMN     "format" "WebhookFormat" NOT NULL DEFAULT 'standard';
